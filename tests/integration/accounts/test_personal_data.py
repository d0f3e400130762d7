"""Downloading one's own data, and deleting an account (by its owner or by the group's committee)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest

from amap.accounts.services import create_api_token
from amap.accounts.tables import ApiToken, Household, PasswordResetToken, User
from amap.groups.tables import Coordinator
from amap.notifications.tables import OptOut, OutboxMessage
from amap.payments import services as payments
from amap.payments.tables import Payment
from amap.system.tables import StoreEntry
from tests.integration.conftest import login, post_form
from tests.integration.payments.conftest import TODAY, sign
from tests.world import PASSWORD, World, add_offer


@dataclass
class Paid:
    alice: int  # Alice's subscription, two cheques received
    bob: int  # Bob's, one cheque received


@pytest.fixture
async def paid(world: World) -> Paid:
    offer = await add_offer(world)
    alice = await sign(world, offer, "alice", offer.full_share, offer.plan_five)
    bob = await sign(world, offer, "bob", offer.half_share, offer.plan_one)
    for number in ("1111111", "2222222"):
        await payments.record_payment(subscription_id=alice, amount_cents=8840, method="cheque", received_on=TODAY,
                                      recorded_by=world.users["carol"], cheque_number=number, bank="Crédit Agricole")
    await payments.record_payment(subscription_id=bob, amount_cents=26000, method="cheque", received_on=TODAY,
                                  recorded_by=world.users["carol"], cheque_number="9999999", bank="Banque de Bob")
    for who, status in (("alice", "sent"), ("alice", "queued"), ("bob", "sent")):
        await OutboxMessage.insert(OutboxMessage(
            key=f"test:{who}:{status}", kind="distribution_reminder", user=world.users[who],
            to_address=world.email(who), subject=f"Rappel pour {who.capitalize()} ({status})", body_text="…",
            status=status))
    await OptOut.insert(OptOut(user=world.users["alice"], kind="distribution_reminder"))
    await create_api_token(world.users["alice"], "tableur")
    return Paid(alice=alice, bob=bob)


async def test_the_json_export_holds_the_members_account_household_contract_and_payments(client, world, paid):
    await login(client, "alice@example.org")
    response = await client.get("/profile/data.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith('attachment; filename="amap-my-data-20')
    data = response.json()
    assert data["account"]["email"] == "alice@example.org" and data["account"]["created_at"][:2] == "20"
    assert data["household"]["id"] == world.households["alice"]
    assert [adult["name"] for adult in data["household"]["adults"]] == ["Alice", "Arthur"]
    assert [m["group"] for m in data["memberships"]] == ["AMAP des Tilleuls"]
    [subscription] = data["subscriptions"]
    assert (subscription["contract"], subscription["farm"], subscription["share"]) == (
        "Légumes 2027", "Ferme des Tilleuls", "Panier complet")
    assert subscription["total_cents"] == 44200 and "442" in subscription["total"]
    assert [i["amount_cents"] for i in subscription["installments"]] == [8840] * 5
    assert subscription["installments"][0]["due_on"] == "2027-04-05"
    assert [p["cheque_number"] for p in subscription["payments"]] == ["1111111", "2222222"]
    assert subscription["payments"][0]["received_on"] == TODAY.isoformat()
    assert sorted(m["status"] for m in data["messages"]) == ["queued", "sent"]
    assert [o["kind"] for o in data["opt_outs"]] == ["distribution_reminder"]
    [token] = data["api_tokens"]
    assert token["name"] == "tableur" and set(token) == {"name", "created_at", "last_used_at", "revoked_at"}
    assert response.text.startswith("{\n  ")  # pretty


async def test_no_other_households_data_appears_in_either_file(client, world, paid):
    await login(client, "alice@example.org")
    digest = (await ApiToken.select(ApiToken.token_digest).first())["token_digest"]
    for path in ("/profile/data.json", "/profile/data.csv"):
        text = (await client.get(path)).content.decode("utf-8-sig")
        for foreign in ("bob@example.org", "Bob", "9999999", "Banque de Bob", "Demi-panier", "erin@example.org",
                        "Carol", "carol@example.org", digest):
            assert foreign not in text, (path, foreign)


async def test_the_csv_export_is_flat_dated_and_defuses_formulas(client, world, paid):
    await User.update({User.name: "=HYPERLINK(\"http://evil.example\")"}).where(User.id == world.users["alice"])
    await login(client, "alice@example.org")
    response = await client.get("/profile/data.csv", headers={"accept-language": "fr"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].endswith('.csv"')
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 4
    cells = {(row[0], row[1], row[2]): row[3] for row in rows[1:]}
    assert cells[("account", "1", "name")] == "'=HYPERLINK(\"http://evil.example\")"
    assert cells[("subscriptions", "1", "total_cents")] == "44200"
    assert cells[("subscriptions", "1", "total")] == "442,00"
    assert cells[("subscriptions.payments", "1.2", "cheque_number")] == "2222222"
    assert cells[("household.adults", "1.2", "email")] == "arthur@example.org"


async def test_downloading_needs_a_login(client, world):
    for path in ("/profile/data.json", "/profile/data.csv", "/profile/delete"):
        response = await client.get(path)
        assert response.status_code in (302, 303, 401), path
        assert "alice" not in response.text


async def test_a_wrong_email_typed_deletes_nothing(client, world, paid):
    await login(client, "alice@example.org")
    assert (await client.get("/profile/delete")).status_code == 200
    response = await post_form(client, "/profile/delete", {"email": "bob@example.org"})
    assert response.status_code == 400 and 'href="#email"' in response.text
    user = await User.objects().get(User.id == world.users["alice"])
    assert (user.email, user.is_active) == ("alice@example.org", True)
    assert (await client.get("/profile")).status_code == 200


async def test_a_member_deletes_her_account_and_the_farms_payments_stay(client, world, paid):
    before = sum(row["amount_cents"] for row in await Payment.select(Payment.amount_cents))
    await PasswordResetToken.insert(PasswordResetToken(user=world.users["alice"], token_digest="x" * 64,
                                                       expires_at=TODAY))
    await login(client, "alice@example.org")
    response = await post_form(client, "/profile/delete", {"email": "Alice@example.org"})
    assert response.status_code == 303 and response.headers["location"] == "/"
    alice = world.users["alice"]
    user = await User.objects().get(User.id == alice)
    assert (user.name, user.email, user.phone, user.password_hash, user.is_active, user.language) == (
        f"Deleted account {alice}", f"deleted-{alice}@invalid", "", "", False, "")
    for table in (ApiToken, OptOut, PasswordResetToken):
        assert await table.count().where(table.user == alice) == 0
    messages = await OutboxMessage.select(OutboxMessage.status, OutboxMessage.to_address).where(
        OutboxMessage.user == alice)
    assert messages == [{"status": "sent", "to_address": f"deleted-{alice}@invalid"}]
    assert await OutboxMessage.count().where(OutboxMessage.user == world.users["bob"]) == 1
    # Arthur is still in the household: it keeps its name.
    household = await Household.objects().get(Household.id == world.households["alice"])
    assert household.name == "Alice"
    assert sum(row["amount_cents"] for row in await Payment.select(Payment.amount_cents)) == before
    assert await Payment.count().where(Payment.subscription == paid.alice) == 2

    assert (await client.get("/profile")).status_code in (302, 303, 401)  # logged out
    refused = await post_form(client, "/login", {"email": "alice@example.org", "password": PASSWORD})
    assert refused.status_code == 400
    refused = await post_form(client, "/login", {"email": f"deleted-{alice}@invalid", "password": ""})
    assert refused.status_code == 400


async def test_other_sessions_of_the_deleted_account_are_ended(client, running_app, world):
    import httpx

    transport = httpx.ASGITransport(app=running_app, client=("10.9.9.9", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as phone:
        await login(phone, "bob@example.org")
        await login(client, "bob@example.org")
        assert await StoreEntry.count().where(StoreEntry.value == b'{"user_id":%d}' % world.users["bob"]) == 2
        await post_form(client, "/profile/delete", {"email": "bob@example.org"})
        assert await StoreEntry.count().where(StoreEntry.value == b'{"user_id":%d}' % world.users["bob"]) == 0
        assert (await phone.get("/profile")).status_code in (302, 303, 401)


async def test_the_last_adult_leaving_renames_the_household(client, world):
    await login(client, "bob@example.org")
    await post_form(client, "/profile/delete", {"email": "bob@example.org"})
    household = await Household.objects().get(Household.id == world.households["bob"])
    assert household.name == f"Deleted household {world.households['bob']}"


async def test_a_coordinator_deletes_a_members_account_from_the_committee_page(client, world, paid):
    await login(client, "carol@example.org")
    committee = await client.get("/committee?group=tilleuls")
    url = f"/committee/tilleuls/accounts/{world.users['bob']}/delete"
    assert f'href="{url}"' in committee.text
    assert (await client.get(url)).status_code == 200
    wrong = await post_form(client, url, {"email": "alice@example.org"})
    assert wrong.status_code == 400
    assert (await User.objects().get(User.id == world.users["bob"])).is_active
    response = await post_form(client, url, {"email": "bob@example.org"})
    assert response.status_code == 303
    assert not (await User.objects().get(User.id == world.users["bob"])).is_active
    committee = await client.get("/committee?group=tilleuls")
    assert "bob@example.org" not in committee.text and "Deleted account" not in committee.text
    assert f"Deleted household {world.households['bob']}" in committee.text
    assert await Payment.count().where(Payment.subscription == paid.bob) == 1


async def test_the_deleted_coordinator_leaves_the_committee(client, world):
    await login(client, "carol@example.org")
    await post_form(client, "/profile/delete", {"email": "carol@example.org"})
    assert await Coordinator.count().where(
        (Coordinator.user == world.users["carol"]) & Coordinator.ended_at.is_null()) == 0


@pytest.mark.parametrize(("who", "target"), [("cyril", "bob"), ("alice", "bob"), ("carol", "erin"),
                                             ("carol", "carol"), ("carol", "ada")])
async def test_others_cannot_delete_the_account(client, world, who, target):
    await login(client, f"{who}@example.org")
    for slug in ("tilleuls", "canal"):
        url = f"/committee/{slug}/accounts/{world.users[target]}/delete"
        assert (await client.get(url)).status_code in (403, 404), url
        response = await post_form(client, url, {"email": world.email(target)}, page="/me")
        assert response.status_code in (403, 404), url
    assert (await User.objects().get(User.id == world.users[target])).is_active


async def test_another_groups_coordinator_gets_404(client, world):
    await login(client, "cyril@example.org")
    url = f"/committee/tilleuls/accounts/{world.users['bob']}/delete"
    assert (await client.get(url)).status_code == 404
    assert (await post_form(client, url, {"email": "bob@example.org"}, page="/me")).status_code == 404
    url = f"/committee/canal/accounts/{world.users['bob']}/delete"
    assert (await post_form(client, url, {"email": "bob@example.org"}, page="/me")).status_code == 404
    assert (await User.objects().get(User.id == world.users["bob"])).is_active
