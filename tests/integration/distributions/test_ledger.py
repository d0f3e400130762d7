"""The risk-sharing ledger on a fixed season, to the cent.

Vegetables (catch-up rule), six Thursdays from 1 April 2027; the ledger is read on Monday 3 May:
- 1 April delivered: full share worth 15,00 €, half share 8,25 €;
- 8 April reduced to 60 % after hail: announced 18,00 € / 9,00 €;
- 15 April cancelled (flood), caught up on 29 April: 17,00 € / 10,00 €;
- 22 April cancelled, not caught up yet: owed;
- 29 April delivered: 16,00 € / 10,00 €; 6 May still to come.
Alice holds a full share (17 €), Bob two half shares (10 € each), Carol a full share she left on
22 April. Eggs (variable, shared loss), four Thursdays: Alice takes 2, 0, 1 and 3 boxes at 17 €;
15 April is cancelled and carried as a shared loss; 22 April is past but not recorded.
"""

import html
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from amap.contracts import lifecycle
from amap.contracts.tables import Offer, OfferDelivery, Subscription, SubscriptionQuantity
from amap.distributions import announcements, outcomes
from amap.distributions.announcements import Section
from amap.distributions.calendar import sync_group
from amap.distributions.ledger import load_ledger, percent_of, subscription_ledger
from amap.distributions.ledger_pages import items_text
from amap.distributions.season import share_calendar
from amap.distributions.tables import Delivery, Distribution, LedgerEntry
from amap.lib.access import Principal
from amap.lib.db import engine
from amap.lib.settings import get_settings
from tests.integration.conftest import login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.queries import counted_queries
from tests.world import OfferWorld, World, add_offer

SIGNING_DAY = date(2027, 3, 1)
LEDGER_DAY = date(2027, 5, 3)
LEDGER_TIME = time_machine.travel("2027-05-03 10:00 +02:00", tick=False)
THURSDAYS = [date(2027, 4, 1), date(2027, 4, 8), date(2027, 4, 15), date(2027, 4, 22), date(2027, 4, 29),
             date(2027, 5, 6)]


def admin(world: World) -> Principal:
    return Principal(id=world.users["ada"], email="ada@example.org", name="Ada", household_id=None, language="fr",
                     is_admin=True)


def upload_dir() -> Path:
    return get_settings().upload_dir


def veg(name: str, quantity: str, unit: str, unit_price_cents: int | None) -> dict:
    return announcements.item(name, Decimal(quantity), unit, unit_price_cents)


async def vegetables(world: World, **options) -> OfferWorld:
    """Six Thursdays of vegetables from 1 April 2027 (unless told otherwise), in the calendar."""
    offer = await add_offer(world, **{"deliveries": 6, **options})
    await sync_group(world.tilleuls)
    return offer


async def eggs_offer(world: World) -> OfferWorld:
    """Eggs chosen date by date on the first four Thursdays; a cancelled delivery is a shared loss."""
    offer = await add_offer(world, deliveries=4, publish=False)
    await Offer.update({Offer.nature: "variable", Offer.missed_delivery_rule: "shared_loss",
                        Offer.name: "Œufs 2027"}).where(Offer.id == offer.offer)
    await lifecycle.publish(offer.offer, None)
    await sync_group(world.tilleuls)
    return offer


async def delivery_of(world: World, offer: OfferWorld, day: date, *, catch_up: bool = False) -> dict:
    """The offer's delivery held on that day, as the pages load it."""
    where = (Delivery.offer == offer.offer) & (Delivery.distribution.held_on == day)
    where &= Delivery.catch_up_for.is_not_null() if catch_up else Delivery.catch_up_for.is_null()
    row = await Delivery.select(Delivery.id).where(where).first()
    return await announcements.managed_delivery(admin(world), row["id"])


async def distribution_on(world: World, day: date) -> int:
    row = await Distribution.select(Distribution.id).where(
        (Distribution.group == world.tilleuls) & (Distribution.held_on == day)).first()
    return row["id"]


async def announce(world: World, offer: OfferWorld, day: date, full: list[dict], half: list[dict] | None = None, *,
                   catch_up: bool = False) -> dict:
    delivery = await delivery_of(world, offer, day, catch_up=catch_up)
    sections = [Section(offer.full_share, full)] + ([Section(offer.half_share, half)] if half else [])
    await announcements.save(delivery, sections, by_user=world.users["dan"], publish=True, upload_dir=upload_dir())
    return delivery


async def ended(world: World, offer: OfferWorld, day: date, outcome: outcomes.Outcome, *,
                catch_up: bool = False) -> None:
    await outcomes.record(await delivery_of(world, offer, day, catch_up=catch_up), outcome, world.users["dan"])


@dataclass
class Season:
    vegetables: OfferWorld
    eggs: OfferWorld
    alice: int
    bob: int
    carol: int
    alice_eggs: int


async def build_season(world: World) -> Season:
    veg_offer = await vegetables(world)
    eggs = await eggs_offer(world)
    alice = await lifecycle.sign(request_for(world, veg_offer, "alice"))
    bob = await lifecycle.sign(request_for(world, veg_offer, "bob", share=veg_offer.half_share, quantity=2))
    carol = await lifecycle.sign(request_for(world, veg_offer, "carol"))
    amendment = await lifecycle.request_leave(carol["id"], date(2027, 4, 22), "Nous déménageons", world.users["carol"])
    await lifecycle.decide_leave(amendment, True, world.users["dan"], today=date(2027, 4, 10))
    alice_eggs = await lifecycle.sign(request_for(world, eggs, "alice", plan=eggs.plan_one, quantities={
        date(2027, 4, 1): 2, date(2027, 4, 15): 1, date(2027, 4, 22): 3}))

    first, eighth, fifteenth, twenty_second, twenty_ninth = THURSDAYS[:5]
    await announce(world, veg_offer, first,
                   [veg("Carottes", "2", "kg", 300), veg("Salade", "1", "pièce", 150), veg("Pommes de terre", "3", "kg", 250)],
                   [veg("Carottes", "1", "kg", 300), veg("Salade", "1", "pièce", 150),
                    veg("Pommes de terre", "1.5", "kg", 250)])
    await ended(world, veg_offer, first, outcomes.Outcome("delivered"))
    await announce(world, veg_offer, eighth, [veg("Tomates", "3", "kg", 600)], [veg("Tomates", "1.5", "kg", 600)])
    await ended(world, veg_offer, eighth, outcomes.Outcome("reduced", 60, missing="Les tomates, après la grêle"))
    await ended(world, veg_offer, fifteenth, outcomes.Outcome(
        "cancelled", cause="Champ inondé", catch_up_distribution=await distribution_on(world, twenty_ninth)))
    await announce(world, veg_offer, twenty_ninth, [veg("Courge", "2", "pièce", 850)], [veg("Courge", "1", "pièce", 1000)],
                   catch_up=True)
    await ended(world, veg_offer, twenty_ninth, outcomes.Outcome("delivered"), catch_up=True)
    await ended(world, veg_offer, twenty_second, outcomes.Outcome("cancelled", cause="Tracteur en panne"))
    await announce(world, veg_offer, twenty_ninth, [veg("Poireaux", "2", "kg", 800)], [veg("Poireaux", "1.25", "kg", 800)])
    await ended(world, veg_offer, twenty_ninth, outcomes.Outcome("delivered"))

    await announce(world, eggs, first, [veg("Œufs", "12", "pièce", 140)])
    await ended(world, eggs, first, outcomes.Outcome("delivered"))
    await ended(world, eggs, fifteenth, outcomes.Outcome("cancelled", cause="Poules malades"))
    await announce(world, eggs, twenty_second, [veg("Œufs", "12", "pièce", 140)])  # no outcome recorded
    return Season(veg_offer, eggs, alice["id"], bob["id"], carol["id"], alice_eggs["id"])


@pytest.fixture
async def season(world) -> Season:
    return await build_season(world)


async def ledger_of(offer: OfferWorld, subscription: int | None = None, today: date = LEDGER_DAY):
    row = await Offer.select().where(Offer.id == offer.offer).first()
    return await load_ledger(row, today, subscription_id=subscription)


def columns(lines, *names):
    return [tuple(getattr(line, name) for name in names) for line in lines]


def test_a_percentage_of_cents_is_rounded_half_up():
    assert percent_of(1800, 60) == 1080 and percent_of(825, 60) == 495 and percent_of(333, 50) == 167
    assert percent_of(1, 49) == 0 and percent_of(1, 50) == 1


def test_an_announcements_items_are_one_line_of_text_with_the_readers_decimal_mark():
    items = [veg("Pommes de terre", "1.5", "kg", 250), veg("Salade", "1", "pièce", None)]
    assert items_text(items, "fr") == "1,5 kg Pommes de terre, 1 pièce Salade"
    assert items_text(items, "en") == "1.5 kg Pommes de terre, 1 pièce Salade" and items_text([], "fr") == ""


async def test_each_delivery_of_a_full_share_is_valued_against_its_price(world, season):
    ledger = (await ledger_of(season.vegetables, season.alice)).subscriptions[0]
    assert columns(ledger.lines, "held_on", "status", "price_cents", "value_cents", "difference_cents") == [
        (date(2027, 4, 1), "delivered", 1700, 1500, -200),
        (date(2027, 4, 8), "reduced", 1700, 1080, -620),  # 60 % of the 18,00 € announced
        (date(2027, 4, 15), "caught_up", 1700, 1700, 0),  # made up on 29 April
        (date(2027, 4, 22), "catch_up_owed", 1700, 0, -1700),
        (date(2027, 4, 29), "delivered", 1700, 1600, -100),
        (date(2027, 5, 6), "to_come", 1700, None, None),
    ]
    reduced, caught_up = ledger.lines[1], ledger.lines[2]
    assert reduced.shortfall_cents == 720 and reduced.missing == "Les tomates, après la grêle"
    assert caught_up.catch_up_on == date(2027, 4, 29) and caught_up.cause == "Champ inondé"
    assert [i["name"] for i in caught_up.announced.items] == ["Courge"]  # what the catch-up brought
    totals = ledger.totals
    assert (totals.deliveries, totals.made, totals.to_come) == (6, 5, 1)
    assert (totals.price_season_cents, totals.price_to_date_cents, totals.value_to_date_cents) == (10200, 8500, 5880)
    assert totals.difference_cents == -2620 and totals.shortfall_cents == 720 and totals.reduced == 1
    assert (totals.catch_ups_owed, totals.catch_ups_made, totals.shared_losses, totals.unvalued) == (1, 1, 0, 0)
    assert totals.compensation_cents == 0 and totals.balance_cents == -2620


async def test_two_half_shares_count_twice_in_value_and_price(world, season):
    ledger = (await ledger_of(season.vegetables, season.bob)).subscriptions[0]
    assert columns(ledger.lines[:5], "units", "price_cents", "value_cents") == [
        (2, 2000, 1650), (2, 2000, 1080), (2, 2000, 2000), (2, 2000, 0), (2, 2000, 2000)]
    assert ledger.totals.value_to_date_cents == 6730 and ledger.totals.difference_cents == -3270
    assert ledger.totals.shortfall_cents == 720  # 18,00 € announced for two half shares, 60 % delivered


async def test_a_household_that_left_mid_season_keeps_the_catch_up_it_was_owed(world, season):
    ledger = (await ledger_of(season.vegetables, season.carol)).subscriptions[0]
    assert columns(ledger.lines, "held_on", "status", "value_cents") == [
        (date(2027, 4, 1), "delivered", 1500), (date(2027, 4, 8), "reduced", 1080),
        (date(2027, 4, 15), "caught_up", 1700)]  # its last day was 22 April: nothing after
    assert ledger.totals.price_season_cents == 5100 and ledger.totals.difference_cents == -820


async def test_a_variable_contract_counts_each_dates_quantity_and_carries_a_shared_loss(world, season):
    ledger = (await ledger_of(season.eggs, season.alice_eggs)).subscriptions[0]
    assert columns(ledger.lines, "held_on", "units", "status", "price_cents", "value_cents", "loss_cents") == [
        (date(2027, 4, 1), 2, "delivered", 3400, 3360, 0),
        # 8 April: no box chosen, no line.
        (date(2027, 4, 15), 1, "shared_loss", 1700, 0, 1700),
        (date(2027, 4, 22), 3, "unconfirmed", 5100, 5040, 0),  # past, not recorded: counted as announced
    ]
    totals = ledger.totals
    assert (totals.price_to_date_cents, totals.value_to_date_cents, totals.difference_cents) == (10200, 8400, -1800)
    assert (totals.shared_losses, totals.shared_loss_cents, totals.catch_ups_owed) == (1, 1700, 0)


async def test_the_contracts_ledger_adds_up_every_household_delivery_by_delivery(world, season):
    ledger = await ledger_of(season.vegetables)
    first = ledger.days[0]
    assert first.units_by_share == {season.vegetables.full_share: 2, season.vegetables.half_share: 2}
    assert (first.price_cents, first.value_cents) == (5400, 4650)
    assert [row.status for row in ledger.days] == ["delivered", "reduced", "caught_up", "catch_up_owed", "delivered",
                                                   "to_come"]
    assert ledger.days[3].units_by_share == {season.vegetables.full_share: 1, season.vegetables.half_share: 2}
    totals = ledger.totals
    assert totals.price_to_date_cents == 8500 + 10000 + 5100
    assert totals.value_to_date_cents == 5880 + 6730 + 4280 and totals.difference_cents == -2620 - 3270 - 820
    chart = ledger.chart()
    assert chart["dates"][0] == "2027-04-01" and chart["price"][-1] is None
    # A line is worked out once for the households with the same share, price and units that day.
    by_id = {item.subscription["id"]: item for item in ledger.subscriptions}
    alice, bob, carol = by_id[season.alice], by_id[season.bob], by_id[season.carol]
    assert alice.lines[0] is carol.lines[0] and alice.lines[0] is not bob.lines[0] and len(carol.lines) == 3
    assert chart["price"][4] == totals.price_to_date_cents and chart["value"][4] == totals.value_to_date_cents


async def test_a_share_announced_without_prices_is_left_out_of_the_difference(world):
    offer = await vegetables(world, deliveries=2)
    subscription = await lifecycle.sign(request_for(world, offer, "alice"))
    await announce(world, offer, date(2027, 4, 1), [veg("Carottes", "2", "kg", None)])
    await announce(world, offer, date(2027, 4, 8), [veg("Carottes", "2", "kg", 700)])
    ledger = (await ledger_of(offer, subscription["id"])).subscriptions[0]
    assert [line.value_cents for line in ledger.lines] == [None, 1400]
    assert ledger.totals.unvalued == 1 and ledger.totals.price_to_date_cents == 3400
    assert ledger.totals.difference_cents == 1400 - 1700  # over the delivery whose value is known


@LEDGER_TIME
async def test_the_member_sees_the_ledger_on_the_contract_page(client, world, season):
    await login(client, "alice@example.org")
    page = (await client.get(f"/subscriptions/{season.alice}")).text
    ledger = page.split('data-testid="ledger"')[1]
    assert 'data-testid="ledger-price">85,00' in ledger and 'data-testid="ledger-value">58,80' in ledger
    assert 'data-testid="ledger-difference">-26,20' in ledger
    assert "Champ inondé" in ledger and "Les tomates, après la grêle" in ledger and "2 kg Carottes" in ledger
    assert ledger.count('data-testid="ledger-line"') == 6 and 'data-status="catch_up_owed"' in ledger


@LEDGER_TIME
async def test_a_variable_contracts_page_shows_the_units_of_each_date_and_its_ledger_counts_them(client, world, season):
    await login(client, "alice@example.org")
    page = (await client.get(f"/subscriptions/{season.alice_eggs}")).text
    units = page.split('id="quantities-title"')[1].split("</section>")[0]
    assert "<li>1 avr. 2027\u00a0: 2</li><li>15 avr. 2027\u00a0: 1</li><li>22 avr. 2027\u00a0: 3</li>" in units
    lines = page.split('data-testid="ledger-line"')[1:]
    assert [line.split("</td>")[0].split(">")[-1] for line in lines] == [
        "1 avr. 2027 · × 2", "15 avr. 2027", "22 avr. 2027 · × 3"]
    assert "12 pièce Œufs" in lines[0] and "non annoncé" in lines[1] and 'data-status="shared_loss"' in lines[1]


@LEDGER_TIME
async def test_the_committee_records_a_compensation_and_the_household_sees_it(client, world, season):
    owed = await delivery_of(world, season.vegetables, date(2027, 4, 22))
    entry = {"subscription": str(season.alice), "delivery": str(owed["id"]), "amount": "17,00",
             "note": "Livraison du 22 avril non rattrapée : remboursée"}
    await login(client, "dan@example.org")  # the farmer sees the ledger but does not decide compensations
    page = (await client.get(f"/offers/{season.vegetables.offer}/ledger")).text
    assert 'data-testid="compensation-form"' not in page
    url = f"/offers/{season.vegetables.offer}/ledger/entries"
    assert (await post_form(client, url, entry)).status_code == 404
    await post_form(client, "/logout")
    await login(client, "carol@example.org")
    bad = await post_form(client, url, {**entry, "amount": "0", "note": ""})
    assert bad.status_code == 400 and 'href="#amount"' in bad.text and 'href="#note"' in bad.text
    assert await LedgerEntry.count() == 0
    assert (await post_form(client, url, entry)).status_code == 303
    recorded = await LedgerEntry.objects().get(LedgerEntry.subscription == season.alice)
    assert (recorded.amount_cents, recorded.delivery, recorded.recorded_by) == (1700, owed["id"], world.users["carol"])
    await post_form(client, "/logout")
    await login(client, "alice@example.org")
    page = (await client.get(f"/subscriptions/{season.alice}")).text
    assert 'data-testid="ledger-balance">-9,20' in page and "non rattrapée : remboursée" in page


@LEDGER_TIME
async def test_the_contracts_ledger_page_shows_the_chart_and_the_households(client, world, season):
    await login(client, "dan@example.org")
    page = await client.get(f"/offers/{season.vegetables.offer}/ledger")
    assert page.status_code == 200
    chart = json.loads(html.unescape(re.search(r'data-money-chart="([^"]*)"', page.text).group(1)))
    assert chart["x"][0] == "2027-04-01" and chart["unit"] == "day" and len(chart["lines"]) == 2
    assert '<script src="/static/js/money-chart.' in page.text
    assert page.text.count('data-testid="offer-ledger-day"') == 6
    assert page.text.count('data-testid="offer-ledger-household"') == 3
    assert 'data-testid="offer-ledger-difference">-67,10' in page.text


@pytest.mark.parametrize(("who", "status"), [("alice", 404), ("bob", 404), ("erin", 404), ("fanny", 404),
                                             ("cyril", 404), ("nina", 404), ("dan", 200), ("carol", 200)])
async def test_only_the_farm_and_the_committee_open_a_contracts_ledger(client, world, who, status):
    offer = await vegetables(world, deliveries=2)
    await lifecycle.sign(request_for(world, offer, "alice"))
    await login(client, f"{who}@example.org")
    assert (await client.get(f"/offers/{offer.offer}/ledger")).status_code == status


async def test_the_ledger_takes_the_same_queries_for_four_deliveries_or_twenty(world, monkeypatch):
    short = await vegetables(world, deliveries=4)
    long = await vegetables(world, deliveries=20)
    for offer, days in ((short, 4), (long, 20)):
        await lifecycle.sign(request_for(world, offer, "alice"))
        await lifecycle.sign(request_for(world, offer, "bob", share=offer.half_share))
        for week in range(days):
            day = date.fromordinal(date(2027, 4, 1).toordinal() + 7 * week)
            await announce(world, offer, day, [veg("Carottes", "1", "kg", 300)], [veg("Carottes", "0.5", "kg", 300)])
    counted: list[str] = []
    original = type(engine()).run_querystring

    async def counting(self, querystring, *args, **kwargs):
        counted.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(type(engine()), "run_querystring", counting)
    await ledger_of(short)
    few = len(counted)
    counted.clear()
    many = await ledger_of(long)
    assert len(counted) == few == 1 + 7  # the offer, then the ledger's seven
    assert len(many.days) == 20 and many.totals.made == 2 * 5  # read on 3 May 2027: five Thursdays past
    counted.clear()
    await ledger_of(short, 1)
    assert len(counted) == few


async def test_a_subscriptions_page_builds_the_same_ledger_from_the_rows_it_has_read(world, season):
    """subscription_ledger (the subscription's page) against load_ledger for that one subscription."""
    await LedgerEntry.insert(LedgerEntry(subscription=season.alice, amount_cents=500, note="hail",
                                         recorded_by=world.users["carol"]))
    for offer, subscription_id in ((season.vegetables, season.alice), (season.vegetables, season.bob),
                                   (season.vegetables, season.carol), (season.eggs, season.alice_eggs)):
        row = await Offer.select().where(Offer.id == offer.offer).first()
        subscription = await Subscription.select().where(Subscription.id == subscription_id).first()
        quantities = {q["delivers_on"]: q["quantity"] for q in await SubscriptionQuantity.select().where(
            SubscriptionQuantity.subscription == subscription_id)}
        dates = sorted(d["delivers_on"] for d in await OfferDelivery.select().where(OfferDelivery.offer == offer.offer))
        expected = (await load_ledger(row, LEDGER_DAY, subscription_id=subscription_id)).subscriptions[0]
        with counted_queries() as counted:  # the dates and the deliveries with the share's announcements
            calendar, records = await share_calendar(offer.offer, subscription["offer_share"])
        assert (calendar, counted[0]) == (dates, 1)
        with counted_queries() as counted:
            found = await subscription_ledger(row, LEDGER_DAY, subscription, quantities, dates, records)
        assert (found.lines, found.entries, found.totals) == (expected.lines, expected.entries, expected.totals)
        assert found.entries or subscription_id != season.alice
        assert counted[0] == 1  # the compensations
        if not found.entries:  # the page knows there is none: no query
            with counted_queries() as counted:
                found = await subscription_ledger(row, LEDGER_DAY, subscription, quantities, dates, records,
                                                  compensated=False)
            assert (found.lines, found.totals, counted[0]) == (expected.lines, expected.totals, 0)
        waiting = await subscription_ledger(row, LEDGER_DAY, {**subscription, "status": "waiting"}, quantities, dates,
                                            records)
        assert waiting is None


async def test_a_delivery_at_a_distribution_the_committee_cancelled_follows_the_contracts_rule(world):
    offer = await vegetables(world, deliveries=2)
    subscription = await lifecycle.sign(request_for(world, offer, "alice"))
    await Distribution.update({Distribution.status: "cancelled"}).where(
        Distribution.id == await distribution_on(world, date(2027, 4, 8)))
    ledger = (await ledger_of(offer, subscription["id"])).subscriptions[0]
    assert [(line.status, line.value_cents) for line in ledger.lines] == [("unconfirmed", None),
                                                                           ("catch_up_owed", 0)]
