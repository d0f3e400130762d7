"""Harvest announcements: the farm posts what each share holds, with unit prices, a note and a
photo; the harvest-first helper proposes a split; the API does the same as JSON."""

import json
from datetime import date

import pytest

from amap.accounts.services import create_api_token
from amap.contracts import lifecycle
from amap.distributions.tables import Announcement
from tests.integration.conftest import login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.distributions.test_ledger import delivery_of, eggs_offer, upload_dir, vegetables

FIRST = date(2027, 4, 1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64


async def week_one(world):
    """Vegetables with Alice and Carol on full shares and Bob on two half shares; the first delivery."""
    offer = await vegetables(world)
    await lifecycle.sign(request_for(world, offer, "alice"))
    await lifecycle.sign(request_for(world, offer, "carol"))
    await lifecycle.sign(request_for(world, offer, "bob", share=offer.half_share, quantity=2))
    return offer, await delivery_of(world, offer, FIRST)


def line(share: int, index: int, name: str, quantity: str, unit: str = "", price: str = "") -> dict:
    return {f"s{share}-name-{index}": name, f"s{share}-quantity-{index}": quantity, f"s{share}-unit-{index}": unit,
            f"s{share}-price-{index}": price}


def files_in_uploads() -> set[str]:
    folder = upload_dir()
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


async def test_the_farmer_saves_a_draft_then_publishes_it_with_its_value(client, world):
    offer, delivery = await week_one(world)
    url = f"/deliveries/{delivery['id']}/announcement"
    await login(client, "dan@example.org")
    page = await client.get(url)
    assert page.status_code == 200
    assert f'data-testid="share-section-{offer.full_share}"' in page.text
    assert f'data-testid="share-section-{offer.half_share}"' in page.text
    assert f'id="s{offer.full_share}-name-7"' in page.text and f'id="s{offer.full_share}-name-8"' not in page.text
    assert page.text.split(f'data-testid="share-due-{offer.full_share}">')[1].split("·")[0].strip().startswith("2")
    form = {**line(offer.full_share, 0, "Carottes", "0,333", "kg", "2,99"),
            **line(offer.full_share, 1, "Salade", "2", "pièce", "1,50"),
            **line(offer.half_share, 0, "Carottes", "1", "kg"),
            f"s{offer.full_share}-note": "Premières carottes", "action": "save"}
    saved = await post_form(client, url, form)
    assert saved.status_code == 303
    full = await Announcement.objects().get((Announcement.delivery == delivery["id"])
                                            & (Announcement.offer_share == offer.full_share))
    # 0,333 kg × 2,99 € = 0,99567 € -> 1,00 €; 2 × 1,50 € = 3,00 €.
    assert full.value_cents == 400 and full.published_at is None and full.note == "Premières carottes"
    assert json.loads(full.items)[0] == {"name": "Carottes", "quantity": "0.333", "unit": "kg", "unit_price_cents": 299}
    page = await client.get(url)
    assert 'value="0,333"' in page.text and 'value="2,99"' in page.text  # the form shows what is saved
    assert f'id="s{offer.full_share}-name-9"' in page.text  # two saved lines and eight empty ones
    published = await post_form(client, url, {**form, "action": "publish"})
    assert published.status_code == 303
    rows = await Announcement.select().where(Announcement.delivery == delivery["id"])
    assert len(rows) == 2 and all(row["published_at"] and row["published_by"] == world.users["dan"] for row in rows)
    again = await client.get(url)
    assert 'data-testid="publish-announcement"' in again.text and 'data-testid="save-announcement"' not in again.text


async def test_bad_items_are_refused_next_to_the_field_and_what_was_typed_is_kept(client, world):
    offer, delivery = await week_one(world)
    url = f"/deliveries/{delivery['id']}/announcement"
    await login(client, "dan@example.org")
    sid = offer.full_share
    response = await post_form(client, url, {**line(sid, 0, "Carottes", "beaucoup", "kg"),
                                             **line(sid, 1, "", "2", "kg"),
                                             **line(sid, 2, "Salade", "1", "pièce", "cher"),
                                             **line(sid, 3, "Poireaux", "0", "kg"), "action": "publish"})
    assert response.status_code == 400
    for name in (f"s{sid}-quantity-0", f"s{sid}-name-1", f"s{sid}-price-2", f"s{sid}-quantity-3"):
        assert f'href="#{name}"' in response.text
    assert 'value="beaucoup"' in response.text and 'value="cher"' in response.text
    assert await Announcement.count() == 0


async def test_publishing_needs_at_least_one_item(client, world):
    offer, delivery = await week_one(world)
    await login(client, "dan@example.org")
    response = await post_form(client, f"/deliveries/{delivery['id']}/announcement",
                               {f"s{offer.full_share}-note": "Rien cette semaine", "action": "publish"})
    assert response.status_code == 400 and f'href="#s{offer.full_share}-name-0"' in response.text
    assert await Announcement.count() == 0


async def test_a_photo_is_kept_under_a_random_name_and_shown_to_the_group_only(client, world):
    offer, delivery = await week_one(world)
    url = f"/deliveries/{delivery['id']}/announcement"
    await login(client, "dan@example.org")
    before = files_in_uploads()
    saved = await post_form(client, url, {**line(offer.full_share, 0, "Carottes", "2", "kg"), "action": "save"},
                            files={f"s{offer.full_share}-photo": ("panier du jeudi.png", PNG, "image/png")})
    assert saved.status_code == 303
    photo = (await Announcement.objects().get(Announcement.offer_share == offer.full_share)).photo
    assert photo.endswith(".png") and "panier" not in photo and files_in_uploads() - before == {photo}
    assert (upload_dir() / photo).read_bytes() == PNG
    served = await client.get(f"/uploads/{photo}")  # the farm sees its draft's photo
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff" and served.content == PNG
    await post_form(client, "/logout")
    await login(client, "alice@example.org")
    assert (await client.get(f"/uploads/{photo}")).status_code == 404  # a draft is not shown to members
    await post_form(client, "/logout")
    await login(client, "dan@example.org")
    await post_form(client, url, {**line(offer.full_share, 0, "Carottes", "2", "kg"), "action": "publish"})
    for who, status in (("alice", 200), ("bob", 200), ("erin", 404), ("fanny", 404), ("paula", 404)):
        await post_form(client, "/logout")
        await login(client, f"{who}@example.org")
        assert (await client.get(f"/uploads/{photo}")).status_code == status, who
    await post_form(client, "/logout")
    assert (await client.get(f"/uploads/{photo}")).status_code in (302, 303, 401)  # not logged in
    assert (await client.get("/uploads/..%2Fsecret_key")).status_code == 404


async def test_a_new_photo_replaces_the_old_file(client, world):
    offer, delivery = await week_one(world)
    url = f"/deliveries/{delivery['id']}/announcement"
    await login(client, "dan@example.org")
    items = {**line(offer.full_share, 0, "Carottes", "2", "kg"), "action": "save"}
    await post_form(client, url, items, files={f"s{offer.full_share}-photo": ("a.png", PNG, "image/png")})
    first = (await Announcement.objects().get(Announcement.offer_share == offer.full_share)).photo
    await post_form(client, url, items, files={f"s{offer.full_share}-photo": ("b.webp", WEBP, "image/webp")})
    second = (await Announcement.objects().get(Announcement.offer_share == offer.full_share)).photo
    assert second.endswith(".webp") and not (upload_dir() / first).exists() and (upload_dir() / second).exists()
    await post_form(client, url, {**items, f"s{offer.full_share}-remove-photo": "on"})
    assert (await Announcement.objects().get(Announcement.offer_share == offer.full_share)).photo == ""
    assert not (upload_dir() / second).exists()


@pytest.mark.parametrize(("name", "content", "media_type", "message"), [
    ("photo.jpg", GIF, "image/jpeg", "JPEG, PNG"),  # a GIF calling itself a JPEG: the bytes decide
    ("notes.png", b"<svg onload=alert(1)>", "image/png", "JPEG, PNG"),
    ("big.png", PNG + b"\x00" * (5 * 1024 * 1024), "image/png", "5 Mo"),
])
async def test_a_bad_photo_is_refused_and_nothing_is_written(client, world, name, content, media_type, message):
    offer, delivery = await week_one(world)
    await login(client, "dan@example.org")
    before = files_in_uploads()
    response = await post_form(client, f"/deliveries/{delivery['id']}/announcement",
                               {**line(offer.full_share, 0, "Carottes", "2", "kg"), "action": "publish"},
                               files={f"s{offer.full_share}-photo": (name, content, media_type)})
    assert response.status_code == 400
    assert f'href="#s{offer.full_share}-photo"' in response.text and message in response.text
    assert 'value="Carottes"' in response.text  # the rest of the form is kept
    assert await Announcement.count() == 0 and files_in_uploads() == before


@pytest.mark.parametrize(("who", "status"), [("dan", 200), ("carol", 200), ("fanny", 404), ("alice", 404),
                                             ("cyril", 404), ("erin", 404)])
async def test_only_those_who_manage_the_offer_open_its_announcement(client, world, who, status):
    _, delivery = await week_one(world)
    await login(client, f"{who}@example.org")
    assert (await client.get(f"/deliveries/{delivery['id']}/announcement")).status_code == status


async def test_a_farmer_cannot_post_for_another_farm(client, world):
    offer, delivery = await week_one(world)
    await login(client, "fanny@example.org")
    response = await post_form(client, f"/deliveries/{delivery['id']}/announcement",
                               {**line(offer.full_share, 0, "Carottes", "2", "kg"), "action": "publish"})
    assert response.status_code == 404 and await Announcement.count() == 0


async def test_the_harvest_helper_splits_by_price_and_fills_the_lines_without_saving(client, world):
    offer, delivery = await week_one(world)
    url = f"/deliveries/{delivery['id']}/announcement"
    full, half = offer.full_share, offer.half_share
    await login(client, "dan@example.org")
    response = await post_form(client, url, {
        **line(full, 0, "Salade", "1", "pièce"), **line(full, 1, "carottes", "9", "kg", "3,00"),
        "harvest-name": "Carottes", "harvest-quantity": "10", "harvest-unit": "kg", "action": "split"})
    assert response.status_code == 200
    # Two full shares at 17 € and two half shares at 10 €: 10 kg × 1700 / 5400 = 3,148 kg -> 3,10 kg a
    # full share, 1,851 kg -> 1,85 kg a half share; 9,90 kg handed out, 0,10 kg left.
    proposal = response.text.split('data-testid="split-proposal"')[1].split("</div>")[0]
    assert "3,1 kg × 2" in proposal and "1,85 kg × 2" in proposal and "9,9" in proposal and "0,1" in proposal
    assert f'id="s{full}-quantity-1" name="s{full}-quantity-1" type="text" value="3,1"' in response.text  # in place
    assert f'id="s{full}-price-1" name="s{full}-price-1" type="text" value="3,00"' in response.text  # kept
    assert f'id="s{half}-name-0" name="s{half}-name-0" type="text" value="Carottes"' in response.text
    assert f'id="s{half}-quantity-0" name="s{half}-quantity-0" type="text" value="1,85"' in response.text
    assert 'id="harvest-quantity" name="harvest-quantity" type="text" value=""' in response.text  # ready again
    assert await Announcement.count() == 0  # a proposal, not a publication


async def test_the_helper_refuses_a_bad_harvest_and_enter_in_an_item_saves(client, world):
    offer, delivery = await week_one(world)
    url = f"/deliveries/{delivery['id']}/announcement"
    await login(client, "dan@example.org")
    bad = await post_form(client, url, {"harvest-name": "Carottes", "harvest-quantity": "-3", "harvest-unit": "kg",
                                        "action": "split"})
    assert bad.status_code == 400 and 'href="#harvest-quantity"' in bad.text
    # Enter pressed in an item line submits with the helper's button, the helper left empty: it saves.
    entered = await post_form(client, url, {**line(offer.full_share, 0, "Carottes", "2", "kg"), "action": "split"})
    assert entered.status_code == 303 and await Announcement.count() == 1


async def test_a_variable_contract_counts_the_boxes_chosen_for_that_date(client, world):
    eggs = await eggs_offer(world)
    await lifecycle.sign(request_for(world, eggs, "alice", plan=eggs.plan_one, quantities={FIRST: 3}))
    await lifecycle.sign(request_for(world, eggs, "bob", plan=eggs.plan_one, quantities={date(2027, 4, 8): 2}))
    delivery = await delivery_of(world, eggs, FIRST)
    await login(client, "dan@example.org")
    page = await client.get(f"/deliveries/{delivery['id']}/announcement")
    due = page.text.split(f'data-testid="share-due-{eggs.full_share}">')[1].split("·")[0]
    assert "3" in due and "2" not in due


async def bearer(world, who: str) -> dict:
    return {"authorization": f"Bearer {await create_api_token(world.users[who], 'test')}"}


async def test_the_farm_puts_an_announcement_through_the_api(client, world):
    offer, delivery = await week_one(world)
    url = f"/api/v1/deliveries/{delivery['id']}/announcement"
    body = {"shares": [{"offer_share_id": offer.full_share, "note": "Bonne semaine",
                        "items": [{"name": "Carottes", "quantity": 1.5, "unit": "kg", "unit_price_cents": 300},
                                  {"name": "Salade", "quantity": "1", "unit": "pièce"}]}],
            "publish": True}
    response = await client.put(url, json=body, headers=await bearer(world, "dan"))
    assert response.status_code == 200, response.text
    share = response.json()["shares"][0]
    assert share["value_cents"] == 450 and share["items"][0]["quantity"] == "1.5" and share["published_at"]
    assert response.json()["held_on"] == "2027-04-01"
    row = await Announcement.objects().get(Announcement.offer_share == offer.full_share)
    assert row.published_by == world.users["dan"] and row.note == "Bonne semaine"
    draft = await client.put(url, json={"shares": [{"offer_share_id": offer.half_share, "items": [
        {"name": "Carottes", "quantity": 1, "unit": "kg"}]}]}, headers=await bearer(world, "carol"))
    assert draft.status_code == 200
    half = await Announcement.objects().get(Announcement.offer_share == offer.half_share)
    assert half.published_at is None  # saved, not published


@pytest.mark.parametrize("who", ["fanny", "alice", "cyril"])
async def test_the_api_answers_404_to_anyone_but_the_farm_and_its_managers(client, world, who):
    offer, delivery = await week_one(world)
    body = {"shares": [{"offer_share_id": offer.full_share, "items": [{"name": "X", "quantity": 1}]}], "publish": True}
    response = await client.put(f"/api/v1/deliveries/{delivery['id']}/announcement", json=body,
                                headers=await bearer(world, who))
    assert response.status_code == 404 and await Announcement.count() == 0


async def test_the_api_needs_a_token(client, world):
    offer, delivery = await week_one(world)
    response = await client.put(f"/api/v1/deliveries/{delivery['id']}/announcement", json={"shares": []})
    assert response.status_code == 401


@pytest.mark.parametrize(("body", "field"), [
    # Refused by the schema (the error handler says "Validation failed" without the field):
    ({"shares": [{"offer_share_id": "x", "items": []}]}, None),
    ({"publish": True}, None),
    ({"shares": [{"offer_share_id": "{full}", "items": [{"name": "X", "quantity": "lots"}]}]}, None),
    # Refused by the announcement's rules, naming the field:
    ({"shares": [{"offer_share_id": 0, "items": [{"name": "X", "quantity": 1}]}]}, "offer_share_id"),
    ({"shares": [{"offer_share_id": "{full}", "items": [{"name": "X", "quantity": -1}]}]}, "quantity"),
    ({"shares": [{"offer_share_id": "{full}", "items": [{"name": "", "quantity": 1}]}]}, "name"),
    ({"shares": [{"offer_share_id": "{full}", "items": [{"name": "X", "quantity": 1, "unit_price_cents": -5}]}]},
     "price"),
    ({"shares": [{"offer_share_id": "{full}", "items": []}], "publish": True}, "items"),
    ({"shares": [{"offer_share_id": "{full}", "items": []}, {"offer_share_id": "{full}", "items": []}]},
     "given twice"),
])
async def test_bad_api_input_is_refused_with_a_400_naming_the_field(client, world, body, field):
    offer, delivery = await week_one(world)
    text = json.dumps(body).replace('"{full}"', str(offer.full_share))
    response = await client.put(f"/api/v1/deliveries/{delivery['id']}/announcement", content=text,
                                headers={**await bearer(world, "dan"), "content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert field is None or field in response.json()["detail"]
    assert await Announcement.count() == 0
