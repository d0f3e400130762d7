"""The member's order pages: open windows, the catalog, totals while typing, saving and changing
until the deadline, cancelling, the receipt after the close, who may see what; and where orders
show elsewhere: /me and the sign-off sheet."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine

from amap.distributions.tables import Distribution
from amap.orders.ordering import place_order
from amap.orders.tables import BulkBuyer, Order, OrderLine, OrderWindow, WindowProduct
from tests.integration.conftest import csrf_token, login, post_form
from tests.integration.orders.test_ordering import DURING, add_window, reserved

# Friday 5 March 2027 in Lyon: the spring window is open until Wednesday 10 March, 19:00.
WINDOW_OPEN = "2027-03-05 10:00 +01:00"
WINDOW_CLOSED = "2027-03-10 19:30 +01:00"


@pytest.fixture
def window_open():
    with time_machine.travel(WINDOW_OPEN, tick=False):
        yield


async def test_members_see_the_windows_open_for_their_group_with_deadline_and_delivery(client, world, window_open):
    shop = await add_window(world)
    await add_window(world, published=False)
    await login(client, "alice@example.org")
    page = await client.get("/orders")
    assert page.status_code == 200
    assert f'data-testid="window-{shop.window}"' in page.text and page.text.count('data-testid="window-link"') == 1
    assert "Printemps à la ferme" in page.text and "Ferme des Tilleuls" in page.text
    assert "10 mars 2027" in page.text and "11 mars 2027" in page.text  # the deadline and the distribution


async def test_windows_closing_sooner_come_first_and_past_orders_are_listed_apart(client, world, window_open):
    later = await add_window(world)
    sooner = await add_window(world, closes_at=datetime(2027, 3, 7, 18, 0, tzinfo=UTC))
    gone = await add_window(world, opens_at=datetime(2027, 2, 1, 8, 0, tzinfo=UTC),
                            closes_at=datetime(2027, 2, 10, 18, 0, tzinfo=UTC))
    await place_order(gone.window, world.households["alice"], world.users["alice"], {gone.honey: 1},
                      datetime(2027, 2, 5, 9, 0, tzinfo=UTC))
    await Distribution.update({Distribution.held_on: date(2027, 2, 11)}).where(Distribution.id == gone.distribution)
    await place_order(later.window, world.households["alice"], world.users["alice"], {later.honey: 2}, DURING)
    await login(client, "alice@example.org")
    page = (await client.get("/orders")).text
    assert page.index(f'data-testid="window-{sooner.window}"') < page.index(f'data-testid="window-{later.window}"')
    assert f'data-testid="window-{gone.window}"' not in page
    current, past = page.split('id="past-title"')
    assert 'data-testid="my-order-' in current and f'href="/orders/{later.window}"' in current.split('id="mine-title"')[1]
    assert f'href="/orders/{gone.window}"' in past


async def test_the_catalog_shows_prices_packaging_vat_stock_and_what_the_price_pays_for(client, world, window_open):
    shop = await add_window(world)
    await login(client, "alice@example.org")
    page = await client.get(f"/orders/{shop.window}")
    assert page.status_code == 200
    assert "9,00" in page.text and "pot de 500 g" in page.text and "5,5" in page.text
    assert f'data-testid="left-{shop.honey}"' in page.text and f'data-testid="left-{shop.juice}"' not in page.text
    honey = page.text[page.text.index(f'data-testid="product-{shop.honey}"'):]
    honey = honey[:honey.index("</tr>")]
    assert 'data-testid="price-parts"' in honey and "le transport" in honey
    assert f'hx-post="/orders/{shop.window}/preview"' in page.text
    assert 'hx-trigger="input changed delay:300ms"' in page.text and 'name="_csrf_token"' in page.text


async def test_the_totals_follow_what_is_typed_and_nothing_is_saved(client, world, window_open):
    shop = await add_window(world)
    await login(client, "alice@example.org")
    await client.get(f"/orders/{shop.window}")
    response = await post_form(client, f"/orders/{shop.window}/preview",
                               {f"q-{shop.honey}": "2", f"q-{shop.juice}": "12", f"q-{shop.lamb}": ""},
                               headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="order-totals"')  # the block only
    assert re.search(r'data-testid="order-total">60,00', response.text)
    bad = await post_form(client, f"/orders/{shop.window}/preview", {f"q-{shop.honey}": "2", f"q-{shop.juice}": "7"},
                          headers={"HX-Request": "true"})
    assert 'data-testid="preview-problems"' in bad.text and "18,00" in bad.text
    assert await Order.count() == 0


async def test_saving_an_order_then_changing_it_until_the_deadline(client, world, window_open):
    shop = await add_window(world)
    await login(client, "alice@example.org")
    await client.get(f"/orders/{shop.window}")
    saved = await post_form(client, f"/orders/{shop.window}", {f"q-{shop.honey}": "2", f"q-{shop.juice}": ""})
    assert saved.status_code == 303 and saved.headers["location"] == f"/orders/{shop.window}"
    page = await client.get(f"/orders/{shop.window}")
    assert "18,00" in page.text and f'id="q-{shop.honey}" name="q-{shop.honey}"' in page.text
    assert re.search(rf'name="q-{shop.honey}"[^>]*value="2"', page.text)
    changed = await post_form(client, f"/orders/{shop.window}", {f"q-{shop.honey}": "1", f"q-{shop.lamb}": "1"})
    assert changed.status_code == 303
    order = await Order.select().first()
    assert order["total_cents"] == 900 + 8500 and await reserved(shop.honey) == 1
    assert await OrderLine.count() == 2


@pytest.mark.parametrize(("field", "typed", "words"), [
    ("juice", "abc", "2"), ("juice", "7", "6"), ("juice", "4", "6"), ("lamb", "5", "3"), ("honey", "-3", "0"),
])
async def test_bad_quantities_get_a_message_next_to_the_product_keep_what_was_typed_and_save_nothing(
        client, world, window_open, field, typed, words):
    shop = await add_window(world)
    await login(client, "alice@example.org")
    await client.get(f"/orders/{shop.window}")
    product = getattr(shop, field)
    response = await post_form(client, f"/orders/{shop.window}", {f"q-{shop.honey}": "1", f"q-{product}": typed})
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in response.text and f'href="#q-{product}"' in response.text
    assert f'id="q-{product}-error"' in response.text
    message = re.search(rf'id="q-{product}-error" class="field-error">([^<]*)<', response.text).group(1)
    assert words in message
    assert re.search(rf'name="q-{product}"[^>]*value="{re.escape(typed)}"', response.text)
    assert await Order.count() == 0 and await reserved(shop.honey) == 0


async def test_an_empty_order_is_refused_with_a_message(client, world, window_open):
    shop = await add_window(world)
    await login(client, "alice@example.org")
    await client.get(f"/orders/{shop.window}")
    response = await post_form(client, f"/orders/{shop.window}", {f"q-{shop.honey}": "", f"q-{shop.juice}": "0"})
    assert response.status_code == 400 and 'data-testid="lines-error"' in response.text
    assert await Order.count() == 0


async def test_cancelling_before_the_close_releases_the_stock(client, world, window_open):
    shop = await add_window(world)
    await login(client, "alice@example.org")
    await client.get(f"/orders/{shop.window}")
    await post_form(client, f"/orders/{shop.window}", {f"q-{shop.lamb}": "2"})
    assert 'data-testid="cancel-order"' in (await client.get(f"/orders/{shop.window}")).text
    response = await post_form(client, f"/orders/{shop.window}/cancel")
    assert response.status_code == 303
    assert (await Order.select(Order.status).first())["status"] == "cancelled" and await reserved(shop.lamb) == 0
    page = await client.get("/orders")
    assert 'data-status="cancelled"' in page.text  # among the past orders


async def test_after_the_close_the_order_is_a_receipt_and_posts_are_refused(client, world):
    shop = await add_window(world)
    await place_order(shop.window, world.households["alice"], world.users["alice"], {shop.honey: 2}, DURING)
    with time_machine.travel(WINDOW_CLOSED, tick=False):
        await login(client, "alice@example.org")
        page = await client.get(f"/orders/{shop.window}")
        assert page.status_code == 200
        assert 'data-testid="receipt"' in page.text and 'data-testid="order-form"' not in page.text
        assert re.search(r'data-testid="receipt-total">18,00', page.text)
        refused = await post_form(client, f"/orders/{shop.window}", {f"q-{shop.honey}": "5"})
        assert refused.status_code == 400 and 'href="#window"' in refused.text
        cancel = await post_form(client, f"/orders/{shop.window}/cancel")
        assert cancel.status_code == 400
    order = await Order.select().first()
    assert order["status"] == "open" and order["total_cents"] == 1800 and await reserved(shop.honey) == 2


async def test_windows_of_other_groups_and_drafts_are_404(client, world, window_open):
    shop = await add_window(world)
    draft = await add_window(world, published=False)
    await login(client, "erin@example.org")  # a member of Canal
    assert (await client.get(f"/orders/{shop.window}")).status_code == 404
    assert (await post_form(client, f"/orders/{shop.window}", {f"q-{shop.honey}": "1"})).status_code == 404
    assert (await post_form(client, f"/orders/{shop.window}/preview", {f"q-{shop.honey}": "1"})).status_code == 404
    assert (await post_form(client, f"/orders/{shop.window}/cancel")).status_code == 404
    assert 'data-testid="no-windows"' in (await client.get("/orders")).text
    await post_form(client, "/logout")
    await login(client, "alice@example.org")
    assert (await client.get(f"/orders/{draft.window}")).status_code == 404
    assert (await client.get("/orders/999999")).status_code == 404
    assert await Order.count() == 0


async def test_a_pending_member_does_not_order(client, world, window_open):
    shop = await add_window(world)
    await login(client, "paula@example.org")
    assert (await client.get(f"/orders/{shop.window}")).status_code == 404


async def test_a_household_sees_only_its_own_orders(client, world, window_open):
    shop = await add_window(world)
    await place_order(shop.window, world.households["bob"], world.users["bob"], {shop.lamb: 1}, DURING)
    await login(client, "alice@example.org")
    page = await client.get(f"/orders/{shop.window}")
    assert 'data-testid="cancel-order"' not in page.text and "data-status=" not in page.text
    assert re.search(rf'name="q-{shop.lamb}"[^>]*value=""', page.text)
    assert 'data-testid="my-order-' not in (await client.get("/orders")).text


async def test_an_organisation_sees_its_kind_on_its_order_page(client, world, window_open):
    shop = await add_window(world)
    await BulkBuyer.insert(BulkBuyer(household=world.households["bob"], kind="kitchen"))
    await login(client, "bob@example.org")
    page = await client.get(f"/orders/{shop.window}")
    assert 'data-testid="bulk-kind" data-kind="kitchen"' in page.text
    await post_form(client, "/logout")
    await login(client, "alice@example.org")
    assert 'data-testid="bulk-kind"' not in (await client.get(f"/orders/{shop.window}")).text


async def test_forms_need_the_csrf_token(client, world, window_open):
    shop = await add_window(world)
    await login(client, "alice@example.org")
    response = await client.post(f"/orders/{shop.window}", data={f"q-{shop.honey}": "1"})
    assert response.status_code == 403 and await Order.count() == 0
    assert csrf_token(client)


async def test_me_shows_open_orders_with_their_deadline_and_windows_to_order_from(client, world, window_open):
    shop = await add_window(world)
    other = await add_window(world)
    await OrderWindow.update({OrderWindow.title: "Agneau de Pâques"}).where(OrderWindow.id == other.window)
    await place_order(shop.window, world.households["alice"], world.users["alice"], {shop.honey: 2}, DURING)
    await login(client, "alice@example.org")
    page = await client.get("/me")
    section = page.text[page.text.index('data-testid="me-orders"'):]
    assert f'href="/orders/{shop.window}"' in section and "18,00" in section and "10 mars 2027" in section
    assert 'data-testid="me-order-windows"' in section and "Agneau de Pâques" in section


async def test_me_shows_a_closed_order_to_collect_at_the_next_distribution(client, world):
    shop = await add_window(world)
    await place_order(shop.window, world.households["alice"], world.users["alice"], {shop.honey: 2}, DURING)
    await Order.update({Order.status: "locked"}).where(Order.household == world.households["alice"])
    with time_machine.travel(WINDOW_CLOSED, tick=False):
        await login(client, "alice@example.org")
        page = await client.get("/me")
    section = page.text[page.text.index('data-testid="me-orders"'):]
    assert 'data-status="locked"' in section and "11 mars 2027" in section


async def test_the_sign_off_sheet_lists_each_households_orders(client, world):
    shop = await add_window(world)
    await place_order(shop.window, world.households["alice"], world.users["alice"], {shop.honey: 2, shop.lamb: 1},
                      DURING)
    await place_order(shop.window, world.households["bob"], world.users["bob"], {shop.juice: 6}, DURING)
    await WindowProduct.update({WindowProduct.price_cents: 1}).where(WindowProduct.id == shop.honey)
    with time_machine.travel("2027-03-11 19:00 +01:00", tick=False):
        await login(client, "carol@example.org")
        page = await client.get(f"/distributions/{shop.distribution}/sheet")
    assert page.status_code == 200
    lines = page.text.split('data-testid="sheet-line"')[1:]
    assert len(lines) == 2  # households with nothing but an order have a line to tick
    alice = next(line for line in lines if "Alice" in line)
    assert 'data-testid="line-orders"' in alice and "Miel de printemps (pot de 500 g) × 2" in alice
    assert "Colis d&#39;agneau (colis de 5 kg) × 1" in alice and 'data-testid="tick"' in alice
