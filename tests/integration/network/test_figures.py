"""The network's figures, and the share of each euro reaching producers worked out by hand."""

from datetime import UTC, datetime

from amap.contracts.tables import OfferShare, ShareType, Subscription
from amap.network.figures import Sale, euro_share, network_figures
from amap.network.tables import NetworkGroup
from tests.integration.conftest import login
from tests.integration.network import trade
from tests.world import add_offer

SIGNED = datetime(2027, 2, 10, 18, 0, tzinfo=UTC)
FULL_PARTS = [{"category": "producer", "label": "travail", "cents": 1500},
              {"category": "group", "label": "local", "cents": 100},
              {"category": "transport", "label": "livraison", "cents": 100}]


async def a_season_of_trade(world) -> None:
    """Tilleuls (in the network): Alice's full share, composed, 26 x 17 € = 442 €; Bob's half share,
    with no composition, 26 x 10 € = 260 €. Orders: 3 x 5 € composed 4 € producer + 1 € transport
    in a network-wide window (15 €); 10 € uncomposed in that window; 8 € uncomposed from the farm's
    own window; 50 € cancelled. Canal (not in the network) orders 20 € from its farm: not counted."""
    offer = await add_offer(world)
    full_type = (await OfferShare.select(OfferShare.share_type).where(OfferShare.id == offer.full_share).first())
    await ShareType.update({ShareType.price_parts: FULL_PARTS}).where(ShareType.id == full_type["share_type"])
    for who, share, price in (("alice", offer.full_share, 1700), ("bob", offer.half_share, 1000)):
        await Subscription.insert(Subscription(
            offer=offer.offer, offer_version=1, household=world.households[who], offer_share=share, status="active",
            price_cents=price, deliveries=26, total_cents=26 * price, signed_at=SIGNED))
    await Subscription.insert(Subscription(  # waiting list: secures nothing
        offer=offer.offer, offer_version=1, household=world.households["carol"], offer_share=offer.full_share,
        status="waiting", price_cents=1700, deliveries=26, total_cents=0))
    farm, h = world.farm_tilleuls, world.households
    basket = await trade.product(farm, "Panier", "panier", 500)
    juice = await trade.product(farm, "Jus", "bouteille", 1000)
    network_window = await trade.window(farm, network=world.network)
    composed = await trade.offered(network_window, basket, 500, [
        {"category": "producer", "label": "ferme", "cents": 400}, {"category": "transport", "label": "camion",
                                                                    "cents": 100}])
    plain = await trade.offered(network_window, juice, 1000)
    at_tilleuls = await trade.stop(network_window, world.tilleuls, None)
    await trade.order(network_window, at_tilleuls, h["alice"], [(composed, 3, 500)])
    await trade.order(network_window, at_tilleuls, h["bob"], [(plain, 1, 1000)])
    await trade.order(network_window, at_tilleuls, h["carol"], [(plain, 5, 1000)], status="cancelled")
    own_window = await trade.window(farm)
    eggs = await trade.offered(own_window, await trade.product(farm, "Oeufs", "boîte", 800), 800)
    await trade.order(own_window, await trade.stop(own_window, world.tilleuls, None), h["alice"], [(eggs, 1, 800)])
    canal_window = await trade.window(world.farm_canal)
    jam = await trade.offered(canal_window, await trade.product(world.farm_canal, "Confiture", "pot", 2000), 2000)
    await trade.order(canal_window, await trade.stop(canal_window, world.canal, None), h["erin"], [(jam, 1, 2000)])


def test_the_euro_share_weighs_compositions_direct_sales_and_unknown_money():
    parts = [{"category": "producer", "label": "a", "cents": 60}, {"category": "network", "label": "b", "cents": 40}]
    share = euro_share([Sale(1000, parts, direct=False), Sale(500, [], direct=True), Sale(500, [], direct=False)])
    # 600 by composition + 500 direct, of 2000; the last 500 went through an intermediary, unsplit.
    assert (share.total_cents, share.producer_cents, share.unknown_cents) == (2000, 1100, 500)
    assert share.cents_per_euro == 55
    assert euro_share([]).cents_per_euro is None


async def test_network_figures_count_households_groups_producers_and_money(world):
    await a_season_of_trade(world)
    figures = await network_figures(world.network)
    # Tilleuls: Alice, Bob and Carol are active (Paula is still pending).
    assert (figures.households, figures.groups, figures.producers) == (3, 1, 1)
    assert figures.contracts_cents == 44200 + 26000
    assert figures.orders_cents == 1500 + 1000 + 800
    # By hand: producers get 442 x 15/17 = 390 € of Alice's contract, all of Bob's 260 €
    # (direct), 3 x 4 € = 12 € of the composed basket and the farm's own 8 €: 670 € of 735 €.
    share = figures.euro_share
    assert (share.total_cents, share.producer_cents, share.unknown_cents) == (73500, 67000, 1000)
    assert share.cents_per_euro == 91  # 67000 / 73500 = 0.9116
    assert [(m.starts_on.isoformat(), m.contracts_cents, m.orders_cents) for m in figures.months] == [
        ("2027-02-01", 70200, 0), ("2027-03-01", 0, 0), ("2027-04-01", 0, 3300)]


async def test_a_group_joining_brings_its_households_and_trade_into_the_figures(world):
    await a_season_of_trade(world)
    await NetworkGroup.insert(NetworkGroup(network=world.network, group=world.canal))
    figures = await network_figures(world.network)
    assert (figures.households, figures.groups) == (5, 2)
    assert figures.orders_cents == 3300 + 2000


async def test_the_network_page_shows_the_figures_the_rule_and_the_chart(client, world):
    await a_season_of_trade(world)
    await login(client, "nina@example.org")
    page = await client.get("/network")
    text = page.text
    assert page.status_code == 200
    assert "Sur chaque euro, 91 centimes reviennent aux producteurs." in text
    assert "702,00" in text and "33,00" in text
    assert "le prix entier ne revient au producteur que" in text  # the rule is stated
    assert 'data-testid="network-chart"' in text and "/static/js/money-chart." in text
