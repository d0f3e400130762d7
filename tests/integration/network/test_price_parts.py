"""Fair-price compositions of share types: entered by the farm, shown to members beside the price."""

from amap.contracts.tables import OfferShare, ShareType
from amap.lib.forms import Form
from amap.lib.price_parts import parse, producer_part_of, read_lines
from tests.integration.conftest import login, post_form
from tests.world import add_offer

PARTS = [{"category": "producer", "label": "travail et semences", "cents": 1400},
         {"category": "transport", "label": "livraison", "cents": 200},
         {"category": "group", "label": "local de distribution", "cents": 100}]


async def test_the_contract_page_shows_how_a_shares_price_is_made_up(client, world):
    offer = await add_offer(world)
    share_type = (await OfferShare.select(OfferShare.share_type).where(OfferShare.id == offer.full_share).first())
    await ShareType.update({ShareType.price_parts: PARTS}).where(ShareType.id == share_type["share_type"])
    await login(client, "alice@example.org")
    page = await client.get(f"/contracts/{offer.offer}")
    assert page.status_code == 200
    assert page.text.count('data-testid="price-parts"') == 1  # the half share has no composition
    assert "travail et semences" in page.text and "livraison" in page.text and "local de distribution" in page.text
    assert "14,00" in page.text and "17,00" in page.text


async def test_the_farm_enters_a_share_types_composition_which_must_add_up(client, world):
    await login(client, "dan@example.org")
    url = "/farm/share-types/new?farm=ferme-tilleuls"
    refused = await post_form(client, url, {"share_name": "Panier", "share_price": "17",
                                            "share_price_parts": "producer; travail; 14\ntransport; camion; 2"},
                              page="/farm")
    assert refused.status_code == 400 and 'href="#share_price_parts"' in refused.text
    unreadable = await post_form(client, url, {"share_name": "Panier", "share_price": "17",
                                               "share_price_parts": "travail = 17"})
    assert unreadable.status_code == 400
    assert await ShareType.count().where(ShareType.farm == world.farm_tilleuls) == 0
    saved = await post_form(client, url, {"share_name": "Panier", "share_price": "17",
                                          "share_price_parts": "producer; travail; 14\ntransport; camion; 3,00"})
    assert saved.status_code == 303
    row = await ShareType.select().where(ShareType.farm == world.farm_tilleuls).first()
    assert parse(row["price_parts"]) == [{"category": "producer", "label": "travail", "cents": 1400},
                                         {"category": "transport", "label": "camion", "cents": 300}]


def test_reading_and_applying_a_composition():
    form = Form({"parts": "Producer ; farm labour ; 3,50\n\ntax; VAT; 0,50"})
    parts = read_lines(form, "parts", price_cents=400)
    assert form.ok and [p["cents"] for p in parts] == [350, 50]
    assert producer_part_of(1200, parts) == 1050  # three units at 4 €
    assert producer_part_of(1200, []) is None
    assert parse('[{"label": "no category", "cents": 100}, {"cents": -5}, "junk"]') == [
        {"category": "", "label": "no category", "cents": 100}]
    assert parse("not json") == []
