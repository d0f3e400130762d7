"""The committee page: its guards, member management, the committee itself, group settings."""

from amap.groups.tables import Coordinator, Group, Membership, Place
from tests.integration.conftest import login, post_form


async def test_member_gets_403_on_committee_pages(client, world):
    await login(client, "alice@example.org")
    assert (await client.get("/committee")).status_code == 403
    assert (await client.get("/committee/tilleuls/settings")).status_code == 403
    response = await post_form(client, "/committee/tilleuls/invite", {"email": "x@example.org"}, page="/me")
    assert response.status_code == 403


async def test_coordinator_sees_the_households_of_their_group_only(client, world):
    await login(client, "carol@example.org")
    response = await client.get("/committee")
    assert response.status_code == 200
    assert "alice@example.org" in response.text and "arthur@example.org" in response.text
    assert "erin@example.org" not in response.text


async def test_coordinator_of_one_group_gets_404_for_another_groups_committee(client, world):
    await login(client, "carol@example.org")
    assert (await client.get("/committee?group=canal")).status_code == 404
    assert (await client.get("/committee/canal/settings")).status_code == 404
    erin = world.memberships["erin"]
    response = await post_form(client, f"/committee/canal/members/{erin}", {"status": "left"})
    assert response.status_code == 404
    # Nor through her own group's URL with the other group's membership id.
    response = await post_form(client, f"/committee/tilleuls/members/{erin}", {"status": "left"})
    assert response.status_code == 404
    assert (await Membership.objects().get(Membership.id == erin)).status == "active"


async def test_coordinator_accepts_a_waiting_household_with_htmx(client, world):
    await login(client, "carol@example.org")
    membership = world.memberships["paula"]
    response = await post_form(client, f"/committee/tilleuls/members/{membership}", {"status": "active"},
                               headers={"hx-request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="member-{membership}">')
    assert "badge-active" in response.text and "<html" not in response.text
    assert response.headers["hx-trigger"] == "membership-changed"  # the counts refresh themselves
    row = await Membership.objects().get(Membership.id == membership)
    assert row.status == "active" and row.accepted_by == world.users["carol"]


async def test_membership_status_must_be_a_known_one(client, world):
    await login(client, "carol@example.org")
    response = await post_form(client, f"/committee/tilleuls/members/{world.memberships['paula']}",
                               {"status": "owner"})
    assert response.status_code == 404
    assert (await Membership.objects().get(Membership.id == world.memberships["paula"])).status == "pending"


async def test_invitation_needs_a_valid_address(client, world, outbox):
    await login(client, "carol@example.org")
    response = await post_form(client, "/committee/tilleuls/invite", {"email": "not an address"})
    assert response.status_code == 400 and 'href="#email"' in response.text
    assert (await outbox.messages()) == []


async def test_coordinator_adds_a_member_to_the_committee_and_steps_down(client, world):
    await login(client, "carol@example.org")
    response = await post_form(client, "/committee/tilleuls/coordinators",
                               {"member_email": "bob@example.org", "title": "roster"})
    assert response.status_code == 303
    bob = await Coordinator.objects().get((Coordinator.user == world.users["bob"]) & Coordinator.ended_at.is_null())
    assert bob.title == "roster" and bob.granted_by == world.users["carol"]
    await post_form(client, f"/committee/tilleuls/coordinators/{bob.id}/end")
    ended = await Coordinator.objects().get(Coordinator.id == bob.id)
    assert ended.ended_at is not None  # history kept, not deleted


async def test_only_active_members_of_the_group_can_join_its_committee(client, world):
    await login(client, "carol@example.org")
    for who in ("erin", "paula"):
        response = await post_form(client, "/committee/tilleuls/coordinators", {"member_email": f"{who}@example.org"})
        assert response.status_code == 400 and 'href="#member_email"' in response.text
    assert not await Coordinator.exists().where(Coordinator.user.is_in([world.users["erin"], world.users["paula"]]))


async def test_coordinator_edits_the_group_and_adds_a_place(client, world):
    await login(client, "carol@example.org")
    response = await post_form(client, "/committee/tilleuls/settings", {
        "name": "AMAP des Tilleuls", "description": "Nouveau texte", "city": "Lyon 4e",
        "contact_email": "bureau@tilleuls.example.org", "timezone": "Europe/Paris", "language": "en"})
    assert response.status_code == 303
    group = await Group.objects().get(Group.id == world.tilleuls)
    assert (group.description, group.language, group.city) == ("Nouveau texte", "en", "Lyon 4e")
    response = await post_form(client, "/committee/tilleuls/settings/places", {
        "place_name": "Halle", "address": "2 rue Neuve", "weekday": "1", "starts_at": "17:00", "ends_at": "19:00"})
    assert response.status_code == 303
    assert await Place.count().where(Place.group == world.tilleuls) == 2


async def test_bad_place_is_refused_with_a_message_per_field(client, world):
    await login(client, "carol@example.org")
    response = await post_form(client, "/committee/tilleuls/settings/places", {
        "place_name": "", "address": "x", "weekday": "9", "starts_at": "19:00", "ends_at": "18:00"},
        headers={"accept-language": "en"})
    assert response.status_code == 400
    for field in ("place_name", "weekday", "ends_at"):
        assert f'href="#{field}"' in response.text
    assert 'value="19:00"' in response.text  # what was typed is kept
    assert await Place.count().where(Place.group == world.tilleuls) == 1


async def test_bad_group_settings_change_nothing(client, world):
    await login(client, "carol@example.org")
    response = await post_form(client, "/committee/tilleuls/settings", {
        "name": "", "timezone": "Mars/Olympus", "language": "tlh", "contact_email": "nope"})
    assert response.status_code == 400
    assert (await Group.objects().get(Group.id == world.tilleuls)).name == "AMAP des Tilleuls"


async def test_coordinator_cannot_remove_another_groups_place(client, world):
    canal_place = await Place.objects().get(Place.group == world.canal)
    await login(client, "carol@example.org")
    response = await post_form(client, f"/committee/tilleuls/settings/places/{canal_place.id}/delete")
    assert response.status_code == 404
    assert await Place.exists().where(Place.id == canal_place.id)
