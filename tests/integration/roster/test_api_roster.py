"""`/api/v1/roster`: open slots, signing up (201, 409 when full), leaving one's own before the deadline."""

from datetime import date

from amap.accounts.services import create_api_token
from amap.roster.tables import Signup
from tests.integration.roster.test_member_roster import MONDAY, TUESDAY, roster, sign, taken


async def bearer(world, who: str) -> dict:
    return {"authorization": f"Bearer {await create_api_token(world.users[who], 'test')}"}


async def test_the_roster_lists_slots_with_free_places_of_the_holders_groups_only(client, world):
    with MONDAY:
        slots = await roster(world, installation=1)
        await sign(world, "bob", slots[(date(2027, 4, 15), "Installation")])
        response = await client.get("/api/v1/roster", headers=await bearer(world, "alice"))
        assert response.status_code == 200
        assert [row["id"] for row in response.json()] == [slots[(date(2027, 4, 22), "Installation")]]
        row = response.json()[0]
        assert (row["title"], row["free"], row["held_on"], row["people"]) == ("Installation", 1, "2027-04-22", [])
        assert row["starts"] == "2027-04-22T18:30:00+02:00"
        everything = await client.get("/api/v1/roster?from=2027-04-01&to=2027-04-30",
                                      headers=await bearer(world, "alice"))
        assert len(everything.json()) == 3  # 1, 8 and 22 April: the 15th is full
        assert (await client.get("/api/v1/roster", headers=await bearer(world, "erin"))).json() == []
        assert (await client.get("/api/v1/roster?from=soon", headers=await bearer(world, "alice"))).status_code == 400
        assert (await client.get("/api/v1/roster")).status_code == 401


async def test_signing_up_gives_201_then_409_when_the_slot_is_full_and_404_for_another_group(client, world):
    with MONDAY:
        slots = await roster(world, installation=1)
        slot_id = slots[(date(2027, 4, 22), "Installation")]
        created = await client.post(f"/api/v1/roster/slots/{slot_id}/signup", headers=await bearer(world, "alice"))
        assert created.status_code == 201 and created.json()["slot_id"] == slot_id
        full = await client.post(f"/api/v1/roster/slots/{slot_id}/signup", headers=await bearer(world, "bob"))
        assert full.status_code == 409 and full.json()["detail"]
        again = await client.post(f"/api/v1/roster/slots/{slot_id}/signup", headers=await bearer(world, "alice"))
        assert again.status_code in (400, 409)
        other = await client.post(f"/api/v1/roster/slots/{slot_id}/signup", headers=await bearer(world, "erin"))
        assert other.status_code == 404
    assert await taken(slot_id) == 1


async def test_leaving_ones_own_shift_before_the_deadline_only(client, world):
    with MONDAY:
        slots = await roster(world)
        soon, later = slots[(date(2027, 4, 15), "Installation")], slots[(date(2027, 4, 22), "Installation")]
        alice_soon, alice_later = await sign(world, "alice", soon), await sign(world, "alice", later)
        bobs = await sign(world, "bob", later)
        alice = await bearer(world, "alice")
        assert (await client.delete(f"/api/v1/roster/signups/{bobs}", headers=alice)).status_code == 404
        assert (await client.delete(f"/api/v1/roster/signups/{alice_later}", headers=alice)).status_code == 204
        assert (await client.delete(f"/api/v1/roster/signups/{alice_later}", headers=alice)).status_code == 400
    with TUESDAY:
        late = await client.delete(f"/api/v1/roster/signups/{alice_soon}", headers=alice)
        assert late.status_code == 400 and late.json()["detail"]
    assert (await Signup.objects().get(Signup.id == alice_soon)).status == "signed"
    assert (await Signup.objects().get(Signup.id == bobs)).status == "signed"
    assert await taken(later) == 1 and await taken(soon) == 1


async def test_the_openapi_document_describes_the_roster(client):
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    assert {"/api/v1/roster", "/api/v1/roster/slots/{slot_id}/signup", "/api/v1/roster/signups/{signup_id}"} <= set(paths)

