"""The distribution calendar and one distribution day: who sees what, the committee's changes,
what each farm brings and what a household collects."""

from datetime import date, time

import pytest
import time_machine

from amap.contracts import lifecycle
from amap.contracts.tables import Offer
from amap.distributions import changes, services
from amap.distributions.calendar import sync_group
from amap.distributions.tables import Announcement, Delivery, Distribution, DistributionChange
from amap.groups.tables import Place
from amap.lib.db import engine, utcnow
from tests.integration.conftest import login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.world import add_offer

# A Tuesday between the third and the fourth Thursday of the 2027 season (it starts on 1 April).
MID_APRIL = time_machine.travel("2027-04-20 10:00 +02:00", tick=False)


@pytest.fixture
def mid_april():
    with MID_APRIL:
        yield


async def season(world, **options):
    """The Tilleuls' vegetables (26 Thursdays from 1 April 2027), published, in the calendar."""
    offer = await add_offer(world, **options)
    await sync_group(world.tilleuls)
    return offer


async def distribution_on(day: date) -> dict:
    return await Distribution.select(*services.distribution_columns()).where(Distribution.held_on == day).first()


async def variable_offer(world):
    """Eggs by the box, chosen date by date, on the same Thursdays (the first four)."""
    offer = await add_offer(world, deliveries=4, publish=False)
    await Offer.update({Offer.nature: "variable", Offer.name: "Œufs 2027"}).where(Offer.id == offer.offer)
    await lifecycle.publish(offer.offer, None)
    return offer


async def test_the_calendar_lists_coming_distributions_first_then_the_last_past_ones(client, world, mid_april):
    await season(world)
    await login(client, "alice@example.org")
    page = await client.get("/distributions")
    assert page.status_code == 200
    upcoming, past = page.text.split('data-testid="upcoming-distributions"')[1].split('data-testid="past-distributions"')
    april_22, april_15, april_1 = [await distribution_on(date(2027, 4, d)) for d in (22, 15, 1)]
    assert f'data-testid="distribution-{april_22["id"]}"' in upcoming
    assert f'data-testid="distribution-{april_15["id"]}"' not in upcoming
    past = past.split('id="month"')[0]
    assert f'data-testid="distribution-{april_15["id"]}"' in past and f'data-testid="distribution-{april_1["id"]}"' in past
    assert past.index(f'distribution-{april_15["id"]}') < past.index(f'distribution-{april_1["id"]}')  # latest first
    assert "Ferme des Tilleuls" in upcoming
    assert 'data-testid="nav-distributions" aria-current="page"' in page.text


async def test_the_month_grid_links_each_day_with_a_distribution(client, world, mid_april):
    await season(world)
    await login(client, "alice@example.org")
    page = await client.get("/distributions?month=2027-05")
    grid = page.text.split('data-testid="month-grid"')[1].split("</table>")[0]
    may = [await distribution_on(date(2027, 5, d)) for d in (6, 13, 20, 27)]
    for row in may:
        assert f'href="/distributions/{row["id"]}"' in grid
    assert "Mai 2027" in page.text
    assert 'href="/distributions?month=2027-04"' in page.text and 'href="/distributions?month=2027-06"' in page.text
    month_list = page.text.split('data-testid="month-list"')[1].split("</ul>")[0]
    assert month_list.count("<li>") == 4  # the phone's list of the same month
    assert "Avril 2027" in (await client.get("/distributions?month=not-a-month")).text  # the current month
    fragment = await client.get("/distributions?month=2027-06", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<section id="month"') and "<h1>" not in fragment.text


async def test_a_cancelled_distribution_is_struck_with_its_reason_and_a_moved_one_shows_the_change(
        client, world, mid_april):
    await season(world)
    cancelled, moved = await distribution_on(date(2027, 4, 29)), await distribution_on(date(2027, 5, 6))
    assert await changes.cancel(cancelled, "Cour inondée", world.users["carol"])
    assert await changes.move(moved, date(2027, 5, 7), "Jeudi de l'Ascension", world.users["carol"])
    await login(client, "bob@example.org")
    page = await client.get("/distributions")
    row = page.text.split(f'data-testid="distribution-{cancelled["id"]}"')[1].split("</tr>")[0]
    assert "<s>" in row and f'data-testid="cancelled-{cancelled["id"]}"' in row and "Cour inondée" in row
    row = page.text.split(f'data-testid="distribution-{moved["id"]}"')[1].split("</tr>")[0]
    assert f'data-testid="changes-{moved["id"]}"' in row and "6 mai 2027" in row and "7 mai 2027" in row
    assert "Jeudi de l&#39;Ascension" in row
    detail = await client.get(f"/distributions/{cancelled['id']}")
    assert 'data-testid="distribution-cancelled"' in detail.text and "Cour inondée" in detail.text
    assert 'data-testid="manage-distribution"' not in detail.text  # a member changes nothing


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("arthur", 200), ("carol", 200), ("dan", 200),
                                             ("ada", 200), ("paula", 404), ("erin", 404), ("cyril", 404),
                                             ("fanny", 404), ("nina", 404)])
async def test_a_distribution_is_seen_by_the_people_of_its_group_only(client, world, who, status):
    await season(world)
    first = await distribution_on(date(2027, 4, 1))
    await login(client, f"{who}@example.org")
    assert (await client.get(f"/distributions/{first['id']}")).status_code == status


async def test_another_groups_calendar_is_not_listed(client, world, mid_april):
    await season(world)
    await login(client, "erin@example.org")
    page = await client.get("/distributions?month=2027-04")
    assert page.status_code == 200 and "grid-distribution-" not in page.text and "Ferme des Tilleuls" not in page.text


async def test_a_household_waiting_for_the_committee_sees_the_dates_without_the_details(client, world, mid_april):
    await season(world)
    await login(client, "paula@example.org")
    page = await client.get("/distributions")
    april_22 = await distribution_on(date(2027, 4, 22))
    assert f'data-testid="distribution-{april_22["id"]}"' in page.text
    assert f'href="/distributions/{april_22["id"]}"' not in page.text


async def test_a_coordinator_moves_a_distribution_and_the_change_is_recorded(client, world, mid_april):
    await season(world)
    target = await distribution_on(date(2027, 5, 6))
    await login(client, "carol@example.org")
    moved = await post_form(client, f"/distributions/{target['id']}/move",
                            {"held_on": "2027-05-07", "move_reason": "Jeudi de l'Ascension"},
                            page=f"/distributions/{target['id']}")
    assert moved.status_code == 303 and moved.headers["location"] == f"/distributions/{target['id']}"
    assert (await distribution_on(date(2027, 5, 7)))["id"] == target["id"]
    change = await DistributionChange.objects().get(DistributionChange.distribution == target["id"])
    assert (change.kind, change.before, change.after, change.reason, change.changed_by) == (
        "moved", "2027-05-06", "2027-05-07", "Jeudi de l'Ascension", world.users["carol"])
    # The deliveries follow the distribution and keep the contract date they were due on.
    delivery = await Delivery.objects().get(Delivery.distribution == target["id"])
    assert delivery.due_on == date(2027, 5, 6)
    assert await sync_group(world.tilleuls) == 0
    page = await client.get(f"/distributions/{target['id']}")
    assert 'data-testid="flash"' in page.text and "Jeudi de l&#39;Ascension" in page.text and "Carol" in page.text


async def test_a_coordinator_changes_the_time_and_the_place(client, world, mid_april):
    await season(world)
    hall = (await Place.insert(Place(group=world.tilleuls, name="Salle des fêtes", address="2 rue Haute", weekday=3,
                                     starts_at=time(18, 0), ends_at=time(19, 30))).returning(Place.id))[0]["id"]
    target = await distribution_on(date(2027, 5, 6))
    await login(client, "carol@example.org")
    url = f"/distributions/{target['id']}"
    assert 'data-testid="place-form"' in (await client.get(url)).text
    assert (await post_form(client, f"{url}/time", {"starts_at": "19:00", "ends_at": "20:30"})).status_code == 303
    assert (await post_form(client, f"{url}/place", {"place": str(hall), "place_reason": "Travaux"})).status_code == 303
    after = await distribution_on(date(2027, 5, 6))
    assert (after["starts_at"], after["ends_at"], after["place_name"]) == (time(19), time(20, 30), "Salle des fêtes")
    recorded = await DistributionChange.select().where(DistributionChange.distribution == target["id"]).order_by(
        DistributionChange.id)
    assert [(c["kind"], c["before"], c["after"]) for c in recorded] == [
        ("time", "18:30–20:00", "19:00–20:30"),
        ("place", "Cour AMAP des Tilleuls, 1 place du Marché", "Salle des fêtes, 2 rue Haute")]


async def test_a_coordinator_cancels_with_a_reason_and_nothing_is_deleted(client, world, mid_april):
    await season(world)
    target = await distribution_on(date(2027, 5, 6))
    url = f"/distributions/{target['id']}"
    await login(client, "carol@example.org")
    refused = await post_form(client, f"{url}/cancel", {"cancel_reason": "  "}, page=url)
    assert refused.status_code == 400 and 'href="#cancel_reason"' in refused.text
    assert (await distribution_on(date(2027, 5, 6)))["status"] == "planned"
    assert (await post_form(client, f"{url}/cancel", {"cancel_reason": "Grève des écoles"})).status_code == 303
    assert (await distribution_on(date(2027, 5, 6)))["status"] == "cancelled"
    assert await Delivery.count().where(Delivery.distribution == target["id"]) == 1
    change = await DistributionChange.objects().get(DistributionChange.distribution == target["id"])
    assert (change.kind, change.reason) == ("cancelled", "Grève des écoles")
    # A cancelled day is not changed any more.
    assert (await post_form(client, f"{url}/move", {"held_on": "2027-05-07"})).status_code == 404
    assert 'data-testid="manage-distribution"' not in (await client.get(url)).text


async def test_bad_changes_are_refused_next_to_the_field_and_what_was_typed_is_kept(client, world, mid_april):
    await season(world)
    target = await distribution_on(date(2027, 5, 6))
    url = f"/distributions/{target['id']}"
    await login(client, "carol@example.org")
    for held_on in ("2027-04-01", "2027-05-13", "2027-05-06", "7 mai"):  # past, taken, unchanged, not a date
        response = await post_form(client, f"{url}/move", {"held_on": held_on}, page=url)
        assert response.status_code == 400 and 'href="#held_on"' in response.text, held_on
    assert 'value="7 mai"' in response.text
    late = await post_form(client, f"{url}/time", {"starts_at": "20:00", "ends_at": "19:00"})
    assert late.status_code == 400 and 'href="#ends_at"' in late.text
    other = await post_form(client, f"{url}/place", {"place": "999999"})
    assert other.status_code == 400 and 'href="#place"' in other.text
    assert await DistributionChange.count() == 0
    assert (await distribution_on(date(2027, 5, 6)))["id"] == target["id"]


@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("dan", 403), ("cyril", 404)])
async def test_only_the_groups_committee_changes_a_distribution(client, world, mid_april, who, status):
    await season(world)
    target = await distribution_on(date(2027, 5, 6))
    url = f"/distributions/{target['id']}"
    await login(client, f"{who}@example.org")
    for action, data in (("move", {"held_on": "2027-05-07"}), ("time", {"starts_at": "19:00", "ends_at": "20:00"}),
                         ("cancel", {"cancel_reason": "Non"})):
        assert (await post_form(client, f"{url}/{action}", data)).status_code == status
    assert await DistributionChange.count() == 0
    assert (await distribution_on(date(2027, 5, 6)))["status"] == "planned"


async def test_the_page_shows_each_farms_outcome_and_its_published_shares(client, world, mid_april):
    vegetables = await season(world)
    first, second, third = [await distribution_on(date(2027, 4, d)) for d in (1, 8, 15)]
    deliveries = {row["distribution"]: row["id"] for row in await Delivery.select().where(
        Delivery.offer == vegetables.offer)}
    await Delivery.update({Delivery.outcome: "reduced", Delivery.delivered_percent: 70,
                           Delivery.missing: "Pas de salades (grêle)"}).where(Delivery.id == deliveries[first["id"]])
    await Delivery.update({Delivery.outcome: "cancelled", Delivery.cause: "Tracteur en panne"}).where(
        Delivery.id == deliveries[second["id"]])
    await Announcement.insert(
        Announcement(delivery=deliveries[third["id"]], offer_share=vegetables.full_share, note="Belle semaine",
                     items=[{"name": "Carottes", "quantity": 1.5, "unit": "kg", "unit_price_cents": 280}],
                     photo="panier.jpg", published_at=utcnow()),
        Announcement(delivery=deliveries[third["id"]], offer_share=vegetables.half_share,
                     items=[{"name": "Brouillon secret", "quantity": 1, "unit": "kg"}]))  # not published
    await login(client, "alice@example.org")
    reduced = (await client.get(f"/distributions/{first['id']}")).text
    assert f'data-testid="reduced-{deliveries[first["id"]]}"' in reduced and "70" in reduced
    assert "Pas de salades (grêle)" in reduced
    cancelled = (await client.get(f"/distributions/{second['id']}")).text
    assert "Tracteur en panne" in cancelled  # and it is made up later, the contract's rule:
    assert f'data-testid="rule-catch-up-{deliveries[second["id"]]}"' in cancelled
    await Offer.update({Offer.missed_delivery_rule: "shared_loss"}).where(Offer.id == vegetables.offer)
    shared = (await client.get(f"/distributions/{second['id']}")).text
    assert f'data-testid="rule-shared-loss-{deliveries[second["id"]]}"' in shared
    announced = (await client.get(f"/distributions/{third['id']}")).text
    assert "Carottes" in announced and "1,5" in announced and "Belle semaine" in announced
    assert 'src="/uploads/panier.jpg"' in announced and "Brouillon secret" not in announced


async def test_the_household_sees_what_it_collects_fixed_variable_and_alternate_weeks(client, world, mid_april):
    vegetables = await season(world)
    eggs = await variable_offer(world)
    await sync_group(world.tilleuls)
    await lifecycle.sign(request_for(world, vegetables, "alice", quantity=2))
    await lifecycle.sign(request_for(world, vegetables, "bob", share=vegetables.half_share,
                                     co_household_id=world.households["carol"], sharing="alternate"))
    await lifecycle.sign(request_for(world, eggs, "alice", quantities={date(2027, 4, 1): 3, date(2027, 4, 15): 1}))
    first, second, third = [await distribution_on(date(2027, 4, d)) for d in (1, 8, 15)]
    await login(client, "alice@example.org")
    page = (await client.get(f"/distributions/{first['id']}")).text.split('data-testid="my-collection"')[1]
    assert "Panier complet × 2" in page and "Œufs 2027" in page and "× 3" in page
    page = (await client.get(f"/distributions/{second['id']}")).text.split('data-testid="my-collection"')[1]
    assert "Panier complet × 2" in page and "Œufs 2027" not in page.split("</section>")[0]  # no eggs chosen that day
    await post_form(client, "/logout")
    await login(client, "carol@example.org")
    # Bob takes the 1st, 3rd… delivery since his first one; Carol's household the 2nd, 4th…
    assert 'data-testid="other-week-' in (await client.get(f"/distributions/{first['id']}")).text
    mine = (await client.get(f"/distributions/{second['id']}")).text.split('data-testid="my-collection"')[1]
    assert "Demi-panier × 1" in mine and "Bob" in mine


async def test_collections_follow_the_contracts_rules(world):
    vegetables = await season(world)
    eggs = await variable_offer(world)
    await sync_group(world.tilleuls)
    alice = await lifecycle.sign(request_for(world, vegetables, "alice", quantity=2))
    await lifecycle.sign(request_for(world, vegetables, "bob", share=vegetables.half_share,
                                     co_household_id=world.households["carol"], sharing="alternate"))
    await lifecycle.sign(request_for(world, eggs, "alice", quantities={date(2027, 4, 1): 3, date(2027, 4, 15): 1}))
    days = [await distribution_on(date(2027, 4, d)) for d in (1, 8, 15, 22)]
    found = services.by_distribution_and_household(await services.collections([d["id"] for d in days]))
    alice_h, bob_h, carol_h = (world.households[w] for w in ("alice", "bob", "carol"))

    def what(day, household):
        return [(c.share_name, c.quantity) for c in found.get((days[day]["id"], household), [])]

    assert [what(n, alice_h) for n in range(4)] == [
        [("Panier complet", 2), ("Panier complet", 3)], [("Panier complet", 2)],
        [("Panier complet", 2), ("Panier complet", 1)], [("Panier complet", 2)]]
    assert [bool(what(n, bob_h)) for n in range(4)] == [True, False, True, False]
    assert [bool(what(n, carol_h)) for n in range(4)] == [False, True, False, True]
    # A contract that ended collects until the day it ended, not after.
    from amap.contracts.tables import Subscription
    await Subscription.update({Subscription.status: "ended", Subscription.ended_on: date(2027, 4, 15)}).where(
        Subscription.id == alice["id"])
    ended = await services.collections([d["id"] for d in days], [alice_h])
    assert sorted({c.distribution_id for c in ended if c.subscription_id == alice["id"]}) == [
        days[0]["id"], days[1]["id"]]


async def test_collections_take_the_same_few_queries_for_one_household_or_many(world, monkeypatch):
    vegetables = await season(world)
    eggs = await variable_offer(world)
    await sync_group(world.tilleuls)
    for who in ("alice", "bob", "carol"):
        await lifecycle.sign(request_for(world, vegetables, who))
    await lifecycle.sign(request_for(world, eggs, "alice", quantities={date(2027, 4, 1): 3}))
    await lifecycle.sign(request_for(world, eggs, "bob", co_household_id=world.households["erin"],
                                     sharing="alternate", quantities={date(2027, 4, 1): 1}))
    days = [row["id"] for row in await Distribution.select(Distribution.id).where(Distribution.group == world.tilleuls)]
    counted = []
    original = type(engine()).run_querystring

    async def counting(self, querystring, *args, **kwargs):
        counted.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(type(engine()), "run_querystring", counting)
    one = await services.collections(days[:1], [world.households["bob"]])
    queries_for_one = len(counted)
    counted.clear()
    many = await services.collections(days)
    # Given households, the deliveries and their contracts come in one statement.
    assert queries_for_one == len(counted) - 1 and len(counted) <= 4
    assert len(one) == 2 and len(many) == 26 * 3 + 2  # Bob's eggs on 1 April; Alice's too
    # Both ways of reading give the same collections.
    for who in ("bob", "erin", "alice"):
        household = world.households[who]
        for other_weeks in (False, True):
            everyone = await services.collections(days, include_other_weeks=other_weeks)
            assert await services.collections(days, [household], include_other_weeks=other_weeks) == [
                c for c in everyone if c.household_id == household]
