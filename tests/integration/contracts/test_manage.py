"""Defining offers: share types on /farm, a new offer with its calendar, the offer's page for
those who manage it (calendar, shares, payment plans, référents, publishing, renewal), and who
may do what."""

import re
from datetime import date, timedelta

import pytest

from amap.contracts.offers import next_season_name, renewal_calendar
from amap.contracts.tables import (
    Offer,
    OfferCoordinator,
    OfferDelivery,
    OfferPrice,
    OfferShare,
    OfferVersion,
    PaymentPlan,
    ShareType,
)
from tests.integration.conftest import login, post_form
from tests.world import add_offer

SEASON = {
    "name": "Légumes 2027", "starts_on": "2027-04-01", "ends_on": "2027-09-30", "signup_opens_on": "2027-02-01",
    "signup_closes_on": "2027-06-30", "nature": "fixed", "missed_delivery_rule": "shared_loss",
    "charter": "Nous partageons les risques de la récolte.", "weekday": "3", "frequency": "weekly",
}
AUGUST_2027 = [date(2027, 8, day) for day in (5, 12, 19, 26)]


async def create(client, world, **changes):
    return await post_form(client, "/farm/offers/new?farm=ferme-tilleuls",
                           {"group": str(world.tilleuls), **SEASON, **changes}, page="/me")


async def created_offer(client, world, **changes) -> int:
    response = await create(client, world, **changes)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].split("/")[2])


def listed(html: str, testid: str) -> str:
    """The markup of the list or table carrying this data-testid."""
    match = re.search(rf'<(ul|table) data-testid="{testid}".*?</\1>', html, re.S)
    assert match, testid
    return match.group(0)


async def calendar(offer_id: int) -> list[date]:
    rows = await OfferDelivery.select(OfferDelivery.delivers_on).where(OfferDelivery.offer == offer_id).order_by(
        OfferDelivery.delivers_on)
    return [row["delivers_on"] for row in rows]


async def share_type(world, name="Panier complet", price=1700, farm=None) -> int:
    rows = await ShareType.insert(ShareType(farm=farm or world.farm_tilleuls, name=name, price_cents=price)
                                  ).returning(ShareType.id)
    return rows[0]["id"]


async def complete(client, offer_id: int, world) -> None:
    """A share with a standard price and a payment plan: what publishing needs beside the calendar."""
    kind = await share_type(world)
    response = await post_form(client, f"/offers/{offer_id}/manage/shares",
                               {"share_type": str(kind), "capacity": "30", "price_standard": "17,00"})
    assert response.status_code == 303, response.text
    response = await post_form(client, f"/offers/{offer_id}/manage/plans", {
        "installments": "6", "first_due_on": "2027-04-05", "method": "cheque", "payee": "Ferme des Tilleuls"})
    assert response.status_code == 303, response.text


# --- Share types ------------------------------------------------------------------------------

async def test_farmer_adds_a_share_type_priced_in_euros_and_archives_it(client, world):
    await login(client, "dan@example.org")
    response = await post_form(client, "/farm/share-types/new?farm=ferme-tilleuls", {
        "share_name": "Demi-panier", "share_description": "Pour une ou deux personnes", "share_price": "17,50"})
    assert response.status_code == 303 and response.headers["location"] == "/farm?farm=ferme-tilleuls#share-types"
    kind = await ShareType.objects().get(ShareType.name == "Demi-panier")
    assert (kind.farm, kind.price_cents, kind.archived_at) == (world.farm_tilleuls, 1750, None)
    assert "Demi-panier" in listed((await client.get("/farm")).text, "share-types")

    response = await post_form(client, f"/farm/share-types/{kind.id}/archive")
    assert response.status_code == 303
    assert (await ShareType.objects().get(ShareType.id == kind.id)).archived_at is not None  # kept, not deleted
    assert "Demi-panier" not in listed((await client.get("/farm")).text, "share-types")


@pytest.mark.parametrize("price", ["-3", "douze", "12,345", "0", ""])
async def test_a_garbled_or_negative_share_type_price_is_refused(client, world, price):
    await login(client, "dan@example.org")
    response = await post_form(client, "/farm/share-types/new?farm=ferme-tilleuls",
                               {"share_name": "Œufs", "share_price": price})
    assert response.status_code == 400 and 'href="#share_price"' in response.text
    assert f'value="{price}"' in response.text  # what was typed is kept
    assert not await ShareType.exists()


async def test_share_types_belong_to_their_farm_only(client, world):
    canal_kind = await share_type(world, "Panier du Canal", farm=world.farm_canal)
    await login(client, "dan@example.org")
    response = await post_form(client, "/farm/share-types/new?farm=ferme-canal", {"share_name": "X", "share_price": "5"})
    assert response.status_code == 404
    assert (await post_form(client, f"/farm/share-types/{canal_kind}/archive")).status_code == 404
    assert (await ShareType.objects().get(ShareType.id == canal_kind)).archived_at is None


async def test_member_and_coordinator_cannot_change_share_types(client, world):
    kind = await share_type(world)
    for who in ("alice", "carol"):
        await login(client, f"{who}@example.org")
        assert (await client.get("/farm/share-types/new?farm=ferme-tilleuls")).status_code == 403
        assert (await post_form(client, f"/farm/share-types/{kind}/archive")).status_code == 403
    assert (await ShareType.objects().get(ShareType.id == kind)).archived_at is None


# --- A new offer ------------------------------------------------------------------------------

async def test_farmer_creates_a_draft_offer_with_a_weekly_calendar(client, world):
    await login(client, "dan@example.org")
    form = await client.get("/farm/offers/new?farm=ferme-tilleuls")
    assert form.status_code == 200 and 'data-testid="offer-form"' in form.text
    assert "risk" in form.text.lower() or "risque" in form.text.lower()  # the charter is prefilled

    offer_id = await created_offer(client, world)
    offer = await Offer.objects().get(Offer.id == offer_id)
    assert (offer.status, offer.farm, offer.group, offer.created_by) == (
        "draft", world.farm_tilleuls, world.tilleuls, world.users["dan"])
    assert (offer.starts_on, offer.ends_on, offer.missed_delivery_rule) == (date(2027, 4, 1), date(2027, 9, 30),
                                                                            "shared_loss")
    days = await calendar(offer_id)
    assert len(days) == 27 and days[0] == date(2027, 4, 1) and days[-1] == date(2027, 9, 30)
    assert {day.weekday() for day in days} == {3}
    page = await client.get(f"/offers/{offer_id}/manage")
    assert page.status_code == 200 and 'data-testid="calendar-list"' in page.text
    assert page.text.count('/delete#calendar"') == 27


@pytest.mark.parametrize(("frequency", "count"), [("fortnightly", 14), ("monthly", 6)])
async def test_fortnightly_and_monthly_calendars_are_generated_too(client, world, frequency, count):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world, frequency=frequency)
    days = await calendar(offer_id)
    assert len(days) == count and {day.weekday() for day in days} == {3}
    if frequency == "monthly":
        assert [day.day for day in days] == [1, 6, 3, 1, 5, 2]  # the first Thursday of each month


async def test_a_variable_offer_keeps_its_minimums(client, world):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world, nature="variable", min_quantity_per_delivery="1",
                                   min_quantity_per_season="20")
    offer = await Offer.objects().get(Offer.id == offer_id)
    assert (offer.nature, offer.min_quantity_per_delivery, offer.min_quantity_per_season) == ("variable", 1, 20)


@pytest.mark.parametrize(("changes", "field"), [
    ({"starts_on": "2027-02-30"}, "starts_on"),
    ({"ends_on": "30/09/2027"}, "ends_on"),
    ({"starts_on": ""}, "starts_on"),
    ({"ends_on": "2027-03-01"}, "ends_on"),
    ({"ends_on": "2030-03-01"}, "ends_on"),
    ({"signup_closes_on": "2027-01-15"}, "signup_closes_on"),
    ({"signup_closes_on": "2027-10-15"}, "signup_closes_on"),
    ({"name": ""}, "name"),
    ({"nature": "whatever"}, "nature"),
    ({"nature": "variable", "min_quantity_per_delivery": "beaucoup"}, "min_quantity_per_delivery"),
    ({"missed_delivery_rule": "refund"}, "missed_delivery_rule"),
    ({"weekday": "7"}, "weekday"),
    ({"frequency": "daily"}, "frequency"),
    ({"starts_on": "2027-04-02", "ends_on": "2027-04-06", "signup_closes_on": "2027-04-05", "weekday": "3"}, "weekday"),
    ({"charter": ""}, "charter"),
])
async def test_bad_offer_input_is_refused_with_a_message_and_nothing_written(client, world, changes, field):
    await login(client, "dan@example.org")
    response = await create(client, world, **changes)
    assert response.status_code == 400
    assert f'href="#{field}"' in response.text and f'id="{field}-error"' in response.text
    assert not await Offer.exists() and not await OfferDelivery.exists()


async def test_an_offer_is_made_only_for_a_group_the_farm_supplies(client, world):
    await login(client, "dan@example.org")
    response = await create(client, world, group=str(world.canal))
    assert response.status_code == 400 and 'href="#group"' in response.text
    assert not await Offer.exists()


# --- The calendar -----------------------------------------------------------------------------

async def test_farmer_removes_the_august_break_and_adds_a_date(client, world):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    august = await OfferDelivery.select(OfferDelivery.id).where(
        (OfferDelivery.offer == offer_id) & OfferDelivery.delivers_on.is_in(AUGUST_2027))
    for row in august[:3]:
        response = await post_form(client, f"/offers/{offer_id}/manage/deliveries/{row['id']}/delete")
        assert response.status_code == 303
    # With htmx, only the calendar comes back.
    response = await post_form(client, f"/offers/{offer_id}/manage/deliveries/{august[3]['id']}/delete",
                                headers={"hx-request": "true"})
    assert response.status_code == 200 and response.text.lstrip().startswith('<section aria-labelledby="calendar-title"')
    assert "<html" not in response.text and response.text.count('/delete#calendar"') == 23
    response = await post_form(client, f"/offers/{offer_id}/manage/deliveries", {"delivers_on": "2027-09-04"})
    assert response.status_code == 303
    days = await calendar(offer_id)
    assert len(days) == 24 and not set(AUGUST_2027) & set(days) and date(2027, 9, 4) in days


@pytest.mark.parametrize("value", ["2027-10-07", "2027-04-01", "demain", ""])
async def test_a_delivery_date_outside_the_season_twice_or_garbled_is_refused(client, world, value):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    response = await post_form(client, f"/offers/{offer_id}/manage/deliveries", {"delivers_on": value})
    assert response.status_code == 400 and 'href="#delivers_on"' in response.text
    assert len(await calendar(offer_id)) == 27
    htmx = await post_form(client, f"/offers/{offer_id}/manage/deliveries", {"delivers_on": value},
                           headers={"hx-request": "true"})
    assert htmx.status_code == 200 and 'id="delivers_on-error"' in htmx.text and "<html" not in htmx.text


async def test_the_calendar_can_be_made_again_with_another_rhythm(client, world):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    response = await post_form(client, f"/offers/{offer_id}/manage/calendar", {"weekday": "1", "frequency": "monthly"})
    assert response.status_code == 303
    days = await calendar(offer_id)
    assert len(days) == 6 and {day.weekday() for day in days} == {1}


async def test_a_delivery_of_another_offer_cannot_be_removed_through_this_one(client, world):
    other = await add_offer(world, publish=False)
    their_day = await OfferDelivery.objects().get(OfferDelivery.offer == other.offer)
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    response = await post_form(client, f"/offers/{offer_id}/manage/deliveries/{their_day.id}/delete")
    assert response.status_code == 404
    assert await OfferDelivery.exists().where(OfferDelivery.id == their_day.id)


# --- Shares and payment plans -----------------------------------------------------------------

async def test_farmer_offers_a_share_with_three_price_levels(client, world):
    kind = await share_type(world)
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    response = await post_form(client, f"/offers/{offer_id}/manage/shares", {
        "share_type": str(kind), "capacity": "40", "price_reduced": "12,50", "price_standard": "17",
        "price_solidarity": "21.50"})
    assert response.status_code == 303
    share = await OfferShare.objects().get(OfferShare.offer == offer_id)
    assert (share.share_type, share.capacity, share.taken) == (kind, 40, 0)
    prices = {row["tier"]: row["price_cents"] for row in await OfferPrice.select().where(
        OfferPrice.offer_share == share.id)}
    assert prices == {"reduced": 1250, "standard": 1700, "solidarity": 2150}
    page = await client.get(f"/offers/{offer_id}/manage")
    assert 'data-testid="shares-table"' in page.text
    assert re.search(r'data-testid="share-places">\D*0\D+40\D*</td>', page.text)


async def test_only_the_price_levels_given_are_offered(client, world):
    kind = await share_type(world)
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    await post_form(client, f"/offers/{offer_id}/manage/shares",
                    {"share_type": str(kind), "capacity": "10", "price_standard": "17,00"})
    share = await OfferShare.objects().get(OfferShare.offer == offer_id)
    assert await OfferPrice.select(OfferPrice.tier).where(OfferPrice.offer_share == share.id) == [{"tier": "standard"}]


@pytest.mark.parametrize(("changes", "field"), [
    ({"capacity": "0"}, "capacity"),
    ({"capacity": "douze"}, "capacity"),
    ({"capacity": ""}, "capacity"),
    ({"price_standard": "-17"}, "price_standard"),
    ({"price_standard": "17,999"}, "price_standard"),
    ({"price_standard": ""}, "price_standard"),
    ({"price_reduced": "20"}, "price_reduced"),
    ({"price_solidarity": "15"}, "price_solidarity"),
    ({"price_solidarity": "beaucoup"}, "price_solidarity"),
    ({"share_type": "999999"}, "share_type"),
])
async def test_bad_share_input_is_refused_and_nothing_written(client, world, changes, field):
    kind = await share_type(world)
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    response = await post_form(client, f"/offers/{offer_id}/manage/shares", {
        "share_type": str(kind), "capacity": "10", "price_standard": "17", **changes})
    assert response.status_code == 400 and f'href="#{field}"' in response.text
    assert not await OfferShare.exists() and not await OfferPrice.exists()


async def test_another_farms_share_type_cannot_be_offered(client, world):
    canal_kind = await share_type(world, "Panier du Canal", farm=world.farm_canal)
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    response = await post_form(client, f"/offers/{offer_id}/manage/shares",
                               {"share_type": str(canal_kind), "capacity": "10", "price_standard": "17"})
    assert response.status_code == 400 and not await OfferShare.exists()


async def test_farmer_adds_a_payment_plan_payable_to_the_farm(client, world):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    page = await client.get(f"/offers/{offer_id}/manage")
    assert 'value="Ferme des Tilleuls"' in page.text  # the payee proposed is the farm
    response = await post_form(client, f"/offers/{offer_id}/manage/plans", {
        "installments": "6", "first_due_on": "2027-04-05", "method": "transfer", "payee": "Ferme des Tilleuls"})
    assert response.status_code == 303
    plan = await PaymentPlan.objects().get(PaymentPlan.offer == offer_id)
    assert (plan.installments, plan.first_due_on, plan.method, plan.payee) == (
        6, date(2027, 4, 5), "transfer", "Ferme des Tilleuls")


@pytest.mark.parametrize(("changes", "field"), [
    ({"installments": "13"}, "installments"),
    ({"installments": "0"}, "installments"),
    ({"installments": "six"}, "installments"),
    ({"first_due_on": "2027-04-31"}, "first_due_on"),
    ({"first_due_on": "2028-01-05"}, "first_due_on"),
    ({"method": "bitcoin"}, "method"),
    ({"payee": ""}, "payee"),
    ({"payee": "AMAP des Tilleuls"}, "payee"),
])
async def test_bad_payment_plans_are_refused(client, world, changes, field):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    response = await post_form(client, f"/offers/{offer_id}/manage/plans", {
        "installments": "6", "first_due_on": "2027-04-05", "method": "cheque", "payee": "Ferme des Tilleuls",
        **changes})
    assert response.status_code == 400 and f'href="#{field}"' in response.text
    assert not await PaymentPlan.exists()


# --- Publishing, closing, renewing ------------------------------------------------------------

async def test_publishing_freezes_version_1_and_opens_the_offer(client, world):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    await complete(client, offer_id, world)
    response = await post_form(client, f"/offers/{offer_id}/manage/publish")
    assert response.status_code == 303
    offer = await Offer.objects().get(Offer.id == offer_id)
    assert (offer.status, offer.version) == ("open", 1)
    version = await OfferVersion.objects().get(OfferVersion.offer == offer_id)
    assert version.version == 1 and version.created_by == world.users["dan"]
    page = await client.get(f"/offers/{offer_id}/manage")
    assert 'data-testid="version-list"' in page.text and 'data-testid="republish-banner"' in page.text
    frozen = await client.get(f"/offers/{offer_id}/manage/versions/1")
    assert frozen.status_code == 200 and "Nous partageons les risques" in frozen.text
    assert (await client.get(f"/offers/{offer_id}/manage/versions/2")).status_code == 404


async def test_changes_to_an_open_offer_reach_members_as_a_new_version(client, world):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    await complete(client, offer_id, world)
    await post_form(client, f"/offers/{offer_id}/manage/publish")
    response = await post_form(client, f"/offers/{offer_id}/manage", {**SEASON, "charter": "Nouvelle charte."})
    assert response.status_code == 303
    first = await OfferVersion.objects().get(OfferVersion.offer == offer_id)
    assert "Nous partageons" in str(first.snapshot)  # what was signed is not rewritten
    await post_form(client, f"/offers/{offer_id}/manage/publish")
    assert (await Offer.objects().get(Offer.id == offer_id)).version == 2
    assert await OfferVersion.count().where(OfferVersion.offer == offer_id) == 2


@pytest.mark.parametrize("missing", ["deliveries", "shares", "plans"])
async def test_publishing_an_incomplete_offer_is_refused_with_what_is_missing(client, world, missing):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    await complete(client, offer_id, world)
    table = {"deliveries": OfferDelivery, "plans": PaymentPlan}.get(missing)
    if table:
        await table.delete().where(table.offer == offer_id)
    else:
        await OfferPrice.delete().where(OfferPrice.tier == "standard")
    response = await post_form(client, f"/offers/{offer_id}/manage/publish")
    assert response.status_code == 400 and 'data-testid="publish-problems"' in response.text
    assert (await Offer.objects().get(Offer.id == offer_id)).status == "draft"
    assert not await OfferVersion.exists()


async def test_closing_sign_ups_of_an_open_offer(client, world):
    offer = await add_offer(world)
    await login(client, "dan@example.org")
    response = await post_form(client, f"/offers/{offer.offer}/manage/close")
    assert response.status_code == 303
    assert (await Offer.objects().get(Offer.id == offer.offer)).status == "closed"


async def test_renewal_copies_the_offer_to_next_year_keeping_the_august_break(client, world):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    await complete(client, offer_id, world)
    await OfferDelivery.delete().where(OfferDelivery.delivers_on.is_in(AUGUST_2027))
    await post_form(client, f"/offers/{offer_id}/manage/referents", {"user_id": str(world.users["bob"])})
    await post_form(client, f"/offers/{offer_id}/manage/publish")

    response = await post_form(client, f"/offers/{offer_id}/manage/renew")
    assert response.status_code == 303
    renewal_id = int(response.headers["location"].split("/")[2])
    renewal = await Offer.objects().get(Offer.id == renewal_id)
    assert (renewal.name, renewal.status, renewal.version, renewal.renewed_from) == (
        "Légumes 2028", "draft", 1, offer_id)
    assert (renewal.starts_on, renewal.ends_on, renewal.signup_opens_on, renewal.signup_closes_on) == (
        date(2028, 4, 1), date(2028, 9, 30), date(2028, 2, 1), date(2028, 6, 30))
    assert renewal.charter == "Nous partageons les risques de la récolte."
    days = await calendar(renewal_id)
    assert {day.weekday() for day in days} == {3} and days[0] == date(2028, 4, 6) and days[-1] == date(2028, 9, 28)
    assert not [day for day in days if day.month == 8 and day.day < 31]  # the August break carried over
    share = await OfferShare.objects().get(OfferShare.offer == renewal_id)
    assert (share.capacity, share.taken) == (30, 0)
    assert await OfferPrice.select(OfferPrice.tier, OfferPrice.price_cents).where(
        OfferPrice.offer_share == share.id) == [{"tier": "standard", "price_cents": 1700}]
    plan = await PaymentPlan.objects().get(PaymentPlan.offer == renewal_id)
    assert (plan.installments, plan.first_due_on, plan.payee) == (6, date(2028, 4, 5), "Ferme des Tilleuls")
    assert await OfferCoordinator.select(OfferCoordinator.user).where(OfferCoordinator.offer == renewal_id) == [
        {"user": world.users["bob"]}]
    # Renewing twice leads to the same draft.
    again = await post_form(client, f"/offers/{offer_id}/manage/renew")
    assert again.headers["location"] == f"/offers/{renewal_id}/manage"
    assert await Offer.count().where(Offer.renewed_from == offer_id) == 1


def test_next_season_calendar_keeps_the_weekday_and_the_breaks():
    weekly = [date(2027, 4, 1) + timedelta(weeks=n) for n in range(27)]
    without_august = [day for day in weekly if day.month != 8]
    days = renewal_calendar(without_august, date(2028, 4, 1), date(2028, 9, 30))
    assert {day.weekday() for day in days} == {3}
    assert [day for day in days if day.month == 8] == [date(2028, 8, 31)]  # Sept 2nd last year
    monthly = renewal_calendar([date(2027, m, 1) for m in (4, 5, 6)], date(2028, 4, 1), date(2028, 9, 30))
    assert monthly == [date(2028, 4, 6), date(2028, 5, 4), date(2028, 6, 1)]
    assert renewal_calendar([], date(2028, 4, 1), date(2028, 9, 30)) == []
    assert next_season_name("Légumes 2027") == "Légumes 2028"
    assert next_season_name("Œufs 2027-2028") == "Œufs 2028-2029"
    assert next_season_name("Pain") == "Pain"


# --- Référents --------------------------------------------------------------------------------

async def test_at_most_two_referents_chosen_among_active_members(client, world):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    for who in ("erin", "paula"):  # another group's member, a household still waiting
        response = await post_form(client, f"/offers/{offer_id}/manage/referents", {"user_id": str(world.users[who])})
        assert response.status_code == 400 and 'href="#user_id"' in response.text
    for who in ("alice", "bob"):
        response = await post_form(client, f"/offers/{offer_id}/manage/referents", {"user_id": str(world.users[who])})
        assert response.status_code == 303
    response = await post_form(client, f"/offers/{offer_id}/manage/referents", {"user_id": str(world.users["carol"])})
    assert response.status_code == 400
    assert await OfferCoordinator.count().where(OfferCoordinator.offer == offer_id) == 2


# --- Who may do what --------------------------------------------------------------------------

POSTS = ["", "/deliveries", "/calendar", "/shares", "/plans", "/referents", "/publish", "/close", "/renew"]


async def test_a_visitor_is_sent_to_the_login_page(client, world):
    offer = await add_offer(world)
    response = await client.get(f"/offers/{offer.offer}/manage")
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    assert (await client.get("/farm/offers/new")).status_code == 303


async def test_member_gets_404_for_the_offers_management(client, world):
    offer = await add_offer(world)
    await login(client, "alice@example.org")
    assert (await client.get(f"/offers/{offer.offer}/manage")).status_code == 404
    assert (await client.get(f"/offers/{offer.offer}/manage/versions/1")).status_code == 404
    assert (await client.get("/farm/offers/new?farm=ferme-tilleuls")).status_code == 404
    assert (await create(client, world)).status_code == 404
    for action in POSTS:
        response = await post_form(client, f"/offers/{offer.offer}/manage{action}", {"delivers_on": "2027-09-04"})
        assert response.status_code == 404, action
    assert await Offer.count() == 1 and (await Offer.objects().get(Offer.id == offer.offer)).status == "open"


async def test_farmer_of_another_farm_gets_404_for_the_offer_and_its_actions(client, world):
    offer = await add_offer(world, publish=False)
    day = await OfferDelivery.objects().get(OfferDelivery.offer == offer.offer)
    await login(client, "fanny@example.org")
    assert (await client.get(f"/offers/{offer.offer}/manage")).status_code == 404
    assert (await client.get("/farm/offers/new?farm=ferme-tilleuls")).status_code == 404
    for action in [*POSTS, f"/deliveries/{day.id}/delete", f"/shares/{offer.full_share}/delete",
                   f"/plans/{offer.plan_one}/delete"]:
        response = await post_form(client, f"/offers/{offer.offer}/manage{action}", {"delivers_on": "2027-09-04"},
                                   page="/farm")
        assert response.status_code == 404, action
    assert (await Offer.objects().get(Offer.id == offer.offer)).status == "draft"
    assert await OfferDelivery.exists().where(OfferDelivery.id == day.id)
    assert await OfferShare.exists().where(OfferShare.id == offer.full_share)
    assert not await Offer.exists().where(Offer.renewed_from == offer.offer)


async def test_the_groups_coordinator_creates_and_manages_offers(client, world):
    await login(client, "carol@example.org")
    assert (await client.get("/farm/offers/new?farm=ferme-tilleuls")).status_code == 200
    offer_id = await created_offer(client, world)
    assert (await client.get(f"/offers/{offer_id}/manage")).status_code == 200
    await complete(client, offer_id, world)
    assert (await post_form(client, f"/offers/{offer_id}/manage/publish")).status_code == 303
    assert (await Offer.objects().get(Offer.id == offer_id)).status == "open"


async def test_a_coordinator_of_another_group_gets_404(client, world):
    offer = await add_offer(world)
    await login(client, "cyril@example.org")
    assert (await client.get(f"/offers/{offer.offer}/manage")).status_code == 404
    assert (await client.get("/farm/offers/new?farm=ferme-tilleuls")).status_code == 404
    assert (await post_form(client, f"/offers/{offer.offer}/manage/close", page="/me")).status_code == 404


async def test_a_referent_manages_their_offer(client, world):
    offer = await add_offer(world, publish=False)
    await OfferCoordinator.insert(OfferCoordinator(offer=offer.offer, user=world.users["bob"]))
    await login(client, "bob@example.org")
    page = await client.get(f"/offers/{offer.offer}/manage")
    assert page.status_code == 200 and 'data-testid="publish-button"' in page.text
    response = await post_form(client, f"/offers/{offer.offer}/manage/deliveries", {"delivers_on": "2027-09-30"},
                               page="/me")
    assert response.status_code == 303
    assert (await post_form(client, f"/offers/{offer.offer}/manage/publish")).status_code == 303
    assert (await Offer.objects().get(Offer.id == offer.offer)).status == "open"
    # Being the référent of one offer gives nothing on the farm's other offers.
    other = await created_offer_for_dan(world)
    assert (await client.get(f"/offers/{other}/manage")).status_code == 404


async def created_offer_for_dan(world) -> int:
    rows = await Offer.insert(Offer(farm=world.farm_tilleuls, group=world.tilleuls, name="Œufs 2027",
                                    starts_on=date(2027, 4, 1), ends_on=date(2027, 9, 30),
                                    signup_opens_on=date(2027, 2, 1), signup_closes_on=date(2027, 6, 30))
                              ).returning(Offer.id)
    return rows[0]["id"]


async def test_the_farm_dashboard_lists_its_offers_with_links(client, world):
    offer = await add_offer(world)
    await login(client, "dan@example.org")
    page = await client.get("/farm")
    assert 'data-testid="farm-offers"' in page.text and f'href="/offers/{offer.offer}/manage"' in page.text
    assert 'href="/farm/offers/new?farm=ferme-tilleuls"' in page.text


async def test_the_farmer_sets_how_many_absences_may_be_moved_to_a_later_delivery(client, world):
    await login(client, "dan@example.org")
    offer_id = await created_offer(client, world)
    response = await post_form(client, f"/offers/{offer_id}/manage", {**SEASON, "shifts_allowed": "2"})
    assert response.status_code == 303
    assert (await Offer.objects().get(Offer.id == offer_id)).shifts_allowed == 2
    refused = await post_form(client, f"/offers/{offer_id}/manage", {**SEASON, "shifts_allowed": "deux"})
    assert refused.status_code == 400 and 'href="#shifts_allowed"' in refused.text
    assert (await Offer.objects().get(Offer.id == offer_id)).shifts_allowed == 2
