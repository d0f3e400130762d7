"""A visitor joins a group from its public page, then picks contracts; the committee follows up."""

from amap.accounts.tables import User
from amap.groups.tables import Group, Membership
from tests.integration.conftest import login, post_form
from tests.world import PASSWORD, add_offer

NEWCOMER = {"name": "Nina Nouvelle", "email": "nouvelle@example.org", "household_name": "Famille Nouvelle",
            "password": "a long password", "password_confirm": "a long password"}


async def test_visitor_joins_and_waits_for_the_committee_with_the_fee_to_pay(client, world):
    await Group.update({Group.membership_fee_cents: 1500}).where(Group.id == world.tilleuls)
    await add_offer(world)
    public = await client.get("/groups/tilleuls")
    assert 'data-testid="join-link"' in public.text and 'data-testid="public-offer"' in public.text
    response = await post_form(client, "/groups/tilleuls/join", NEWCOMER, page="/groups/tilleuls/join")
    assert response.status_code == 303 and response.headers["location"] == "/contracts?group=tilleuls"
    user = await User.objects().get(User.email == "nouvelle@example.org")
    membership = await Membership.objects().get(Membership.household == user.household)
    assert (membership.status, membership.fee_cents, membership.group) == ("pending", 1500, world.tilleuls)
    contracts = await client.get("/contracts?group=tilleuls")
    assert "Légumes 2027" in contracts.text  # a waiting household may already choose its contracts


async def test_a_group_may_accept_households_at_once(client, world):
    await Group.update({Group.accepts_members_at_once: True}).where(Group.id == world.tilleuls)
    await post_form(client, "/groups/tilleuls/join", NEWCOMER, page="/groups/tilleuls/join")
    user = await User.objects().get(User.email == "nouvelle@example.org")
    assert (await Membership.objects().get(Membership.household == user.household)).status == "active"


async def test_joining_refuses_bad_input_and_known_addresses_and_creates_nothing(client, world):
    bad = await post_form(client, "/groups/tilleuls/join", {**NEWCOMER, "name": "", "email": "x",
                                                            "password_confirm": "other"},
                          page="/groups/tilleuls/join")
    assert bad.status_code == 400
    for field in ("name", "email", "password_confirm"):
        assert f'href="#{field}"' in bad.text
    taken = await post_form(client, "/groups/tilleuls/join", {**NEWCOMER, "email": "alice@example.org"})
    assert taken.status_code == 400 and 'href="#email"' in taken.text
    assert not await User.exists().where(User.email == "nouvelle@example.org")
    assert (await client.get("/groups/nowhere/join")).status_code == 404


async def test_account_creation_is_rate_limited_per_address(client, world):
    for number in range(10):
        response = await post_form(client, "/groups/tilleuls/join", {**NEWCOMER, "email": f"n{number}@example.org"},
                                   page="/groups/tilleuls/join")
        assert response.status_code == 303
        await post_form(client, "/logout")
    blocked = await post_form(client, "/groups/tilleuls/join", {**NEWCOMER, "email": "n10@example.org"})
    assert blocked.status_code == 429
    assert not await User.exists().where(User.email == "n10@example.org")


async def test_treasurer_records_the_membership_fee_and_sets_the_fee(client, world):
    await Membership.update({Membership.fee_cents: 1500}).where(Membership.id == world.memberships["paula"])
    await login(client, "carol@example.org", PASSWORD)
    assert "15,00" in (await client.get("/committee")).text
    response = await post_form(client, f"/committee/tilleuls/members/{world.memberships['paula']}/fee")
    assert response.status_code == 303
    assert (await Membership.objects().get(Membership.id == world.memberships["paula"])).fee_received_on is not None
    assert (await post_form(client, f"/committee/tilleuls/members/{world.memberships['paula']}/fee")).status_code == 404
    assert (await post_form(client, f"/committee/canal/members/{world.memberships['erin']}/fee")).status_code == 404
    settings = await post_form(client, "/committee/tilleuls/settings", {
        "name": "AMAP des Tilleuls", "timezone": "Europe/Paris", "language": "fr", "membership_fee": "12,50",
        "accepts_members_at_once": "on", "absence_notice_hours": "24"})
    assert settings.status_code == 303
    group = await Group.objects().get(Group.id == world.tilleuls)
    assert (group.membership_fee_cents, group.accepts_members_at_once, group.absence_notice_hours) == (1250, True, 24)
    refused = await post_form(client, "/committee/tilleuls/settings", {
        "name": "AMAP des Tilleuls", "timezone": "Europe/Paris", "language": "fr", "membership_fee": "douze"})
    assert refused.status_code == 400 and 'href="#membership_fee"' in refused.text
