"""Absences and hand-overs: declaring before the group's deadline, the four choices, holidays,
offered shares taken once, moves to a later delivery, withdrawing, and the JSON API."""

import asyncio
from datetime import UTC, date, datetime, time

import pytest
import time_machine

from amap.accounts.services import create_api_token, create_user
from amap.accounts.tables import User
from amap.contracts import lifecycle
from amap.contracts.tables import Offer
from amap.distributions import services
from amap.distributions.absences import take
from amap.distributions.calendar import sync_group
from amap.distributions.tables import Absence, Distribution
from amap.groups.services import join_group
from amap.lib.db import utcnow
from tests.integration.conftest import login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.world import add_offer, build_world

# Monday 5 April 2027, 10:00 in Lyon: the distribution of Thursday the 8th (18:30) takes absences
# until Tuesday the 6th at 18:30 (16:30 UTC).
MONDAY = "2027-04-05 10:00 +02:00"


async def season(world, *, shifts: int = 0):
    """The Tilleuls' vegetables (26 Thursdays from 1 April 2027), signed by Alice and Bob."""
    offer = await add_offer(world)
    if shifts:
        await Offer.update({Offer.shifts_allowed: shifts}).where(Offer.id == offer.offer)
    await sync_group(world.tilleuls)
    for who in ("alice", "bob"):
        await lifecycle.sign(request_for(world, offer, who))
    return offer


async def distribution_on(day: date) -> dict:
    return await Distribution.select(*services.distribution_columns()).where(Distribution.held_on == day).first()


def deadline_shown(html: str, day: str) -> bool:
    """The deadline is said as its day and time in the group's time (the words between may be translated)."""
    return day in html and "18:30" in html.split(day, 1)[1][:40]


async def declare(client, distribution: dict, choice: str = "donated", **fields):
    return await post_form(client, "/distributions/absences", {
        "when": "one", "distribution": str(distribution["id"]), "choice": choice, **fields})


async def test_a_member_sees_the_coming_distributions_with_their_deadlines(client, world):
    await season(world)
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        page = await client.get("/distributions/absences")
    assert page.status_code == 200
    rows = page.text.split('data-testid="absence-list"')[1]
    assert "Jeudi 8 avril 2027" in rows and deadline_shown(rows, "mardi 6 avril 2027")
    assert "Jeudi 1 avril 2027" not in rows  # over


async def test_an_absence_before_the_deadline_is_recorded(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel("2027-04-06 16:29 +00:00", tick=False):
        await login(client, "alice@example.org")
        response = await declare(client, eighth, "donated")
        assert response.status_code == 303 and response.headers["location"] == "/distributions/absences"
        page = await client.get("/distributions/absences")
    absence = await Absence.objects().get(Absence.household == world.households["alice"])
    assert (absence.distribution, absence.choice, absence.declared_by) == (eighth["id"], "donated", world.users["alice"])
    assert 'data-testid="flash"' in page.text and 'data-testid="withdraw-absence"' in page.text


async def test_an_absence_after_the_deadline_is_refused_with_the_deadline_stated(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel("2027-04-06 16:31 +00:00", tick=False):
        await login(client, "alice@example.org")
        response = await declare(client, eighth, "donated")
    assert response.status_code == 400
    assert 'href="#distribution"' in response.text
    assert deadline_shown(response.text.split('id="distribution-error"')[1].split("</small>")[0], "mardi 6 avril 2027")
    assert await Absence.count() == 0


async def test_the_deadline_is_counted_in_the_groups_time_across_a_daylight_saving_change(client, world):
    # Paris leaves summer time in the night of 25 October 2026. Tuesday 27 October 18:30 (UTC+1)
    # minus 48 hours is Sunday 25 October 18:30 (UTC+1), 17:30 UTC, not 16:30 UTC.
    await season(world)
    rows = await Distribution.insert(Distribution(group=world.tilleuls, held_on=date(2026, 10, 27),
                                                  starts_at=time(18, 30), ends_at=time(20, 0))).returning(Distribution.id)
    tuesday = await Distribution.select(*services.distribution_columns()).where(Distribution.id == rows[0]["id"]).first()
    with time_machine.travel("2026-10-25 17:20 +00:00", tick=False):
        await login(client, "alice@example.org")
        assert (await declare(client, tuesday)).status_code == 303
    with time_machine.travel("2026-10-25 17:40 +00:00", tick=False):
        await login(client, "bob@example.org")
        late = await declare(client, tuesday)
    assert late.status_code == 400 and deadline_shown(late.text, "dimanche 25 octobre 2026")
    assert [a["household"] for a in await Absence.select(Absence.household)] == [world.households["alice"]]


async def test_another_member_household_named_by_email_collects(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        response = await declare(client, eighth, "collector", collector_email="Bob@example.org")
    assert response.status_code == 303
    absence = await Absence.objects().get(Absence.household == world.households["alice"])
    assert (absence.choice, absence.collector_household, absence.collector_name) == (
        "collector", world.households["bob"], "")


async def test_a_guest_named_by_the_member_collects(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        assert (await declare(client, eighth, "collector", collector_name="Jeanne Dupont")).status_code == 303
    absence = await Absence.objects().get(Absence.household == world.households["alice"])
    assert (absence.collector_household, absence.collector_name) == (None, "Jeanne Dupont")


@pytest.mark.parametrize(("fields", "field"), [
    ({"collector_email": "erin@example.org"}, "collector_email"),  # a member of another group
    ({"collector_email": "nobody@example.org"}, "collector_email"),
    ({"collector_email": "arthur@example.org"}, "collector_email"),  # Alice's own household
    ({"collector_email": "bob@example.org", "collector_name": "Jeanne"}, "collector_email"),
    ({}, "collector_email"),
    ({"collector_email": "not an address"}, "collector_email"),
    ({"collector_name": "J" * 201}, "collector_name"),
])
async def test_a_bad_collector_is_refused_beside_the_field_and_nothing_is_saved(client, world, fields, field):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        response = await declare(client, eighth, "collector", **fields)
    assert response.status_code == 400
    assert f'href="#{field}"' in response.text and f'id="{field}-error"' in response.text
    if fields.get("collector_email"):
        assert f'value="{fields["collector_email"]}"' in response.text  # what was typed is kept
    assert await Absence.count() == 0


@pytest.mark.parametrize(("fields", "field"), [
    ({"choice": "vanished"}, "choice"),
    ({"distribution": "nope"}, "distribution"),
    ({"when": "range", "starts_on": "2027-04-22", "ends_on": "2027-04-08"}, "ends_on"),
    ({"when": "range", "starts_on": "2027-04-08", "ends_on": ""}, "ends_on"),
    ({"when": "range", "starts_on": "2028-08-01", "ends_on": "2028-08-31"}, "starts_on"),  # no distribution
])
async def test_bad_days_or_choices_are_refused_and_nothing_is_saved(client, world, fields, field):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        response = await post_form(client, "/distributions/absences", {
            "when": "one", "distribution": str(eighth["id"]), "choice": "donated", **fields})
    assert response.status_code == 400 and f'href="#{field}"' in response.text
    assert await Absence.count() == 0


async def test_another_groups_distribution_cannot_be_chosen(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "erin@example.org")  # a member of Canal
        response = await declare(client, eighth)
    assert response.status_code == 400 and 'href="#distribution"' in response.text
    assert await Absence.count() == 0


async def test_holidays_declare_every_distribution_between_two_dates_skipping_those_already_declared(client, world):
    await season(world)
    fifteenth = await distribution_on(date(2027, 4, 15))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        await declare(client, fifteenth, "collector", collector_email="bob@example.org")
        response = await post_form(client, "/distributions/absences", {
            "when": "range", "starts_on": "2027-04-07", "ends_on": "2027-04-29", "choice": "donated"})
        assert response.status_code == 303
        assert "3 distributions" in (await client.get("/distributions/absences")).text
    absences = await Absence.select(Absence.choice, Absence.distribution.held_on.as_alias("day")).order_by(
        Absence.distribution.held_on)
    assert [(a["day"].day, a["choice"]) for a in absences] == [
        (8, "donated"), (15, "collector"), (22, "donated"), (29, "donated")]


async def test_holidays_starting_after_their_first_deadline_are_refused(client, world):
    await season(world)
    with time_machine.travel("2027-04-07 09:00 +02:00", tick=False):
        await login(client, "alice@example.org")
        response = await post_form(client, "/distributions/absences", {
            "when": "range", "starts_on": "2027-04-08", "ends_on": "2027-04-22", "choice": "donated"})
    assert response.status_code == 400 and 'href="#starts_on"' in response.text
    assert "8 avril 2027" in response.text.split('id="starts_on-error"')[1].split("</small>")[0]
    assert await Absence.count() == 0


async def test_a_single_day_already_declared_is_refused_until_withdrawn(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        await declare(client, eighth, "donated")
        again = await declare(client, eighth, "offered")
        assert again.status_code == 400 and 'id="distribution-error"' in again.text
        absence = await Absence.objects().get(Absence.household == world.households["alice"])
        withdrawn = await post_form(client, f"/distributions/absences/{absence.id}/withdraw")
        assert withdrawn.status_code == 303
        assert (await declare(client, eighth, "offered")).status_code == 303
    rows = await Absence.select(Absence.choice, Absence.withdrawn_at).order_by(Absence.id)
    assert [r["choice"] for r in rows] == ["donated", "offered"]  # history kept
    assert rows[0]["withdrawn_at"] is not None and rows[1]["withdrawn_at"] is None


async def test_withdrawing_after_the_deadline_is_refused(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        await declare(client, eighth, "donated")
    absence = await Absence.objects().get(Absence.household == world.households["alice"])
    with time_machine.travel("2027-04-07 09:00 +02:00", tick=False):
        response = await post_form(client, f"/distributions/absences/{absence.id}/withdraw")
        page = await client.get(response.headers["location"])
    assert "flash-error" in page.text and deadline_shown(page.text.split("flash-error")[1], "mardi 6 avril 2027")
    assert (await Absence.objects().get(Absence.id == absence.id)).withdrawn_at is None


async def test_another_households_absence_cannot_be_withdrawn(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        await declare(client, eighth, "donated")
        absence = await Absence.objects().get(Absence.household == world.households["alice"])
        await post_form(client, "/logout")
        await login(client, "bob@example.org")
        assert (await post_form(client, f"/distributions/absences/{absence.id}/withdraw")).status_code == 404
    assert (await Absence.objects().get(Absence.id == absence.id)).withdrawn_at is None


async def test_an_offered_share_goes_to_the_first_member_who_takes_it(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        await declare(client, eighth, "offered")
        absence = await Absence.objects().get(Absence.household == world.households["alice"])
        assert 'data-testid="take-share"' not in (await client.get(f"/distributions/{eighth['id']}/offered")).text
        assert (await post_form(client, f"/distributions/{eighth['id']}/offered/{absence.id}/take")).status_code == 303
        assert (await Absence.objects().get(Absence.id == absence.id)).taken_by_household is None  # not her own
        await post_form(client, "/logout")
        await login(client, "bob@example.org")
        offered = await client.get("/distributions/absences")
        assert 'data-testid="offered-link"' in offered.text
        page = await client.get(f"/distributions/{eighth['id']}/offered")
        assert "Panier complet × 1" in page.text and 'data-testid="take-share"' in page.text
        await post_form(client, f"/distributions/{eighth['id']}/offered/{absence.id}/take")
        await post_form(client, "/logout")
        await login(client, "carol@example.org")
        late = await post_form(client, f"/distributions/{eighth['id']}/offered/{absence.id}/take")
        assert "flash-error" in (await client.get(late.headers["location"])).text
    assert (await Absence.objects().get(Absence.id == absence.id)).taken_by_household == world.households["bob"]


async def test_offered_shares_are_404_for_another_groups_members(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "erin@example.org")
        assert (await client.get(f"/distributions/{eighth['id']}/offered")).status_code == 404


async def test_a_taken_share_cannot_be_withdrawn_any_more(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        await declare(client, eighth, "offered")
        absence = await Absence.objects().get(Absence.household == world.households["alice"])
        await take(absence.id, eighth, world.households["bob"], utcnow())
        response = await post_form(client, f"/distributions/absences/{absence.id}/withdraw")
        assert "flash-error" in (await client.get(response.headers["location"])).text
    assert (await Absence.objects().get(Absence.id == absence.id)).withdrawn_at is None


@pytest.mark.committed
async def test_ten_members_taking_one_offered_share_at_once_give_it_to_exactly_one():
    world = await build_world()
    offer = await add_offer(world)
    await sync_group(world.tilleuls)
    await lifecycle.sign(request_for(world, offer, "alice"))
    eighth = await distribution_on(date(2027, 4, 8))
    absence = (await Absence.insert(Absence(household=world.households["alice"], distribution=eighth["id"],
                                            choice="offered")).returning(Absence.id))[0]["id"]
    households = []
    for number in range(10):
        user_id = await create_user(f"taker{number}@example.org", f"Taker {number}", None, password_hash="x")
        household = (await User.select(User.household).where(User.id == user_id).first())["household"]
        await join_group(household, world.tilleuls, None)
        households.append(household)

    async def attempt(household: int) -> bool:
        try:
            await take(absence, eighth, household, datetime(2027, 4, 5, 8, 0, tzinfo=UTC))
        except ValueError:
            return False
        return True

    results = await asyncio.gather(*(attempt(h) for h in households))
    assert results.count(True) == 1
    taker = (await Absence.objects().get(Absence.id == absence)).taken_by_household
    assert taker == households[results.index(True)]


async def test_moving_a_share_needs_a_contract_that_allows_it_and_counts_what_is_left(client, world):
    offer = await season(world)
    eighth, fifteenth = await distribution_on(date(2027, 4, 8)), await distribution_on(date(2027, 4, 15))
    with time_machine.travel(MONDAY, tick=False):
        await login(client, "alice@example.org")
        refused = await declare(client, eighth, "shifted")
        assert refused.status_code == 400 and 'id="choice-error"' in refused.text
        await Offer.update({Offer.shifts_allowed: 1}).where(Offer.id == offer.offer)
        page = await client.get("/distributions/absences")
        assert "Légumes 2027\xa0: 1" in page.text.split('data-testid="shifts-left"')[1].split("</small>")[0]
        assert (await declare(client, eighth, "shifted")).status_code == 303
        assert "Légumes 2027\xa0: 0" in (await client.get("/distributions/absences")).text
        used_up = await declare(client, fifteenth, "shifted")
        assert used_up.status_code == 400 and 'id="choice-error"' in used_up.text
    assert await Absence.count().where(Absence.choice == "shifted") == 1


# -- The API ----------------------------------------------------------------------------------------

async def bearer(world, who: str) -> dict:
    return {"authorization": f"Bearer {await create_api_token(world.users[who], 'test')}"}


async def test_the_api_declares_an_absence_for_the_token_holders_household(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        response = await client.post("/api/v1/absences", headers=await bearer(world, "alice"), json={
            "distribution_id": eighth["id"], "choice": "collector", "collector_email": "bob@example.org"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["household_id"], body["choice"], body["collector_household_id"]) == (
        world.households["alice"], "collector", world.households["bob"])
    assert await Absence.count() == 1


@pytest.mark.parametrize(("payload", "words"), [
    ({"choice": "vanished"}, "choice"),
    ({"choice": "collector"}, "collector_email"),
    ({"choice": "collector", "collector_email": "erin@example.org"}, "collector_email"),
    ({"choice": "shifted"}, "choice"),
    ({"choice": "collector", "collector_name": "Zo\u0000e"}, "collector_name"),  # PostgreSQL refuses NUL
    ({"choice": "collector", "collector_name": "Zoé" * 1000}, "collector_name"),
])
async def test_the_api_refuses_bad_choices_with_a_clear_message(client, world, payload, words):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        response = await client.post("/api/v1/absences", headers=await bearer(world, "alice"),
                                     json={"distribution_id": eighth["id"], **payload})
    body = response.json()
    assert response.status_code == 400 and (words in body["detail"] or words in str(body.get("errors")))
    assert await Absence.count() == 0


async def test_the_api_refuses_an_absence_after_the_deadline(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel("2027-04-07 09:00 +02:00", tick=False):
        response = await client.post("/api/v1/absences", headers=await bearer(world, "alice"),
                                     json={"distribution_id": eighth["id"], "choice": "donated"})
    assert response.status_code == 400
    assert "distribution_id" in response.json()["detail"] and "18:30" in response.json()["detail"]


async def test_the_api_answers_404_for_another_groups_distribution_and_401_without_token(client, world):
    await season(world)
    eighth = await distribution_on(date(2027, 4, 8))
    with time_machine.travel(MONDAY, tick=False):
        other = await client.post("/api/v1/absences", headers=await bearer(world, "erin"),
                                  json={"distribution_id": eighth["id"], "choice": "donated"})
        anonymous = await client.post("/api/v1/absences", json={"distribution_id": eighth["id"], "choice": "donated"})
        missing = await client.post("/api/v1/absences", headers=await bearer(world, "alice"),
                                    json={"distribution_id": 999999, "choice": "donated"})
    assert (other.status_code, anonymous.status_code, missing.status_code) == (404, 401, 404)
    assert await Absence.count() == 0


async def test_the_database_itself_refuses_a_second_active_absence_for_the_same_day(world):
    from datetime import date, time

    import pytest

    from amap.distributions.tables import Absence, Distribution
    from amap.lib.db import is_unique_violation, utcnow

    day = (await Distribution.insert(Distribution(group=world.tilleuls, held_on=date(2027, 5, 6),
                                                  starts_at=time(18, 30), ends_at=time(20, 0))
                                     ).returning(Distribution.id))[0]["id"]
    household = world.households["alice"]
    await Absence.insert(Absence(household=household, distribution=day, choice="donated", withdrawn_at=utcnow()))
    await Absence.insert(Absence(household=household, distribution=day, choice="donated"))  # the withdrawn one is history
    with pytest.raises(Exception) as refused:
        await Absence.insert(Absence(household=household, distribution=day, choice="offered"))
    assert is_unique_violation(refused.value)
