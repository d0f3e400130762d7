"""The coordinator's roster: roles and needs, the coverage grid, assigning and confirming shifts,
obligations and who is behind, invitations to fill a gap, the committee and its hand-overs."""

from datetime import date, time

import pytest
import time_machine

from amap.distributions.calendar import sync_group
from amap.roster.obligations import Progress, progress
from amap.roster.slots import sync_slots
from amap.roster.tables import Obligation, Responsibility, RosterRole, RosterTask, Signup, Slot
from tests.integration.conftest import login, post_form
from tests.queries import counted_queries
from tests.world import add_offer

# A Monday before the first of four Thursday distributions (1, 8, 15 and 22 April 2027).
BEFORE_SEASON = time_machine.travel("2027-03-29 10:00 +02:00", tick=False)
ROSTER = "/committee/tilleuls/roster"


@pytest.fixture(autouse=True)
def english(client):
    """The assertions below read the English wording of the pages."""
    client.headers["accept-language"] = "en"


@pytest.fixture
def before_season():
    with BEFORE_SEASON:
        yield


async def roster(world, people_needed: int = 2) -> list[dict]:
    """Four distributions with one role ("Installation"); their slots, soonest first."""
    await add_offer(world, deliveries=4)
    await sync_group(world.tilleuls)
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Installation", people_needed=people_needed))
    await sync_slots(world.tilleuls)
    return await Slot.select().where(Slot.group == world.tilleuls).order_by(Slot.held_on)


async def on_slot(world, slot: dict, who: str, status: str = "signed") -> int:
    await Slot.update({Slot.taken: Slot.taken + 1}).where(Slot.id == slot["id"])
    rows = await Signup.insert(Signup(slot=slot["id"], user=world.users[who], household=world.households[who],
                                      status=status)).returning(Signup.id)
    return rows[0]["id"]


async def test_coordinator_adds_changes_and_archives_roles(client, world, before_season):
    await roster(world)
    await login(client, world.email("carol"))
    added = await post_form(client, f"{ROSTER}/roles", {"name": "Émargement", "description": "La feuille",
                                                        "people_needed": "1"})
    assert added.status_code == 303
    role = await RosterRole.objects().get(RosterRole.name == "Émargement")
    assert await Slot.count().where(Slot.role == role.id) == 4
    changed = await post_form(client, f"{ROSTER}/roles/{role.id}", {f"people_needed_{role.id}": "3"})
    assert changed.status_code == 303
    assert {s["capacity"] for s in await Slot.select(Slot.capacity).where(Slot.role == role.id)} == {3}
    page = await client.get(f"{ROSTER}/roles")
    assert 'data-testid="roles-table"' in page.text and "Émargement" in page.text
    assert (await post_form(client, f"{ROSTER}/roles/{role.id}/archive")).status_code == 303
    grid = await client.get(ROSTER)
    assert "Émargement" not in grid.text and "Installation" in grid.text


@pytest.mark.parametrize("people_needed", ["0", "21", "deux"])
async def test_a_role_needing_no_one_too_many_or_words_is_refused(client, world, people_needed):
    await login(client, world.email("carol"))
    response = await post_form(client, f"{ROSTER}/roles", {"name": "Rangement", "people_needed": people_needed})
    assert response.status_code == 400
    assert 'id="people_needed-error"' in response.text and 'data-testid="error-summary"' in response.text
    assert await RosterRole.count() == 0


async def test_a_role_without_a_name_is_refused_and_what_was_typed_is_kept(client, world):
    await login(client, world.email("carol"))
    response = await post_form(client, f"{ROSTER}/roles", {"name": "", "description": "Tables", "people_needed": "2"})
    assert response.status_code == 400 and 'id="name-error"' in response.text and 'value="Tables"' in response.text


async def test_a_one_off_task_gets_its_slot_and_appears_on_the_grid(client, world, before_season):
    await login(client, world.email("carol"))
    response = await post_form(client, f"{ROSTER}/tasks", {
        "title": "Journée à la ferme", "held_on": "2027-04-10", "starts_at": "09:00", "ends_at": "12:00",
        "place": "Ferme des Tilleuls", "task_people_needed": "6"})
    assert response.status_code == 303
    task = await RosterTask.objects().first()
    slot = await Slot.objects().get(Slot.task == task.id)
    assert (slot.held_on, slot.capacity, slot.taken) == (date(2027, 4, 10), 6, 0)
    grid = await client.get(ROSTER)
    assert "Journée à la ferme" in grid.text and "0 / 6 — 6 missing" in grid.text


async def test_a_role_added_behind_the_pages_back_gets_its_slots_when_the_grid_is_opened(client, world, before_season):
    await roster(world)
    await RosterRole.insert(RosterRole(group=world.tilleuls, name="Rangement", people_needed=3))
    await login(client, world.email("carol"))
    grid = await client.get(ROSTER)
    assert "Rangement" in grid.text and grid.text.count("0 / 3 — 3 missing") == 4
    assert await Slot.count().where(Slot.group == world.tilleuls) == 8


async def test_a_task_of_a_group_without_roles_gets_its_slot_when_the_grid_is_opened(client, world, before_season):
    await RosterTask.insert(RosterTask(group=world.tilleuls, title="Chantier", held_on=date(2027, 4, 10),
                                       starts_at=time(9), ends_at=time(12), people_needed=2))
    await login(client, world.email("carol"))
    grid = await client.get(ROSTER)
    assert "Chantier" in grid.text and "0 / 2 — 2 missing" in grid.text


async def test_the_grid_reads_the_database_in_six_statements_five_when_no_one_is_behind(client, world,
                                                                                       before_season):
    slots = await roster(world)
    await on_slot(world, slots[0], "alice")
    await login(client, world.email("carol"))
    with counted_queries() as counted:
        grid = await client.get(ROSTER)
    # the session with its reader; the obligations, the households' standing; the roles with the slots' check,
    # the slots with their people; no open slot to invite anyone to (no obligation: no one is behind)
    assert (grid.status_code, counted[0]) == (200, 5) and "Alice" in grid.text
    assert 'data-testid="invite-form"' not in grid.text
    await Obligation.insert(Obligation(group=world.tilleuls, starts_on=date(2027, 3, 1), ends_on=date(2027, 9, 30),
                                       shifts=2))
    with counted_queries() as counted:
        grid = await client.get(ROSTER)
    assert (grid.status_code, counted[0]) == (200, 6) and 'data-testid="invite-form"' in grid.text


async def test_a_task_ending_before_it_starts_is_refused(client, world, before_season):
    await login(client, world.email("carol"))
    response = await post_form(client, f"{ROSTER}/tasks", {
        "title": "AG", "held_on": "2027-04-10", "starts_at": "12:00", "ends_at": "09:00", "task_people_needed": "2"})
    assert response.status_code == 400 and 'id="ends_at-error"' in response.text
    assert await RosterTask.count() == 0


async def test_the_grid_says_full_or_how_many_are_missing_in_words_and_names_who_is_on(client, world, before_season):
    slots = await roster(world)
    await on_slot(world, slots[0], "alice")
    await on_slot(world, slots[0], "bob")
    await on_slot(world, slots[1], "bob")
    await login(client, world.email("carol"))
    grid = await client.get(ROSTER)
    assert grid.status_code == 200
    first = grid.text.split(f'data-testid="cell-{slots[0]["id"]}">', 1)[1].split("</td>", 1)[0]
    assert first.startswith("2 / 2</a>") and 'badge-active">full' in first and "Alice, Bob" in first
    second = grid.text.split(f'data-testid="cell-{slots[1]["id"]}">', 1)[1].split("</td>", 1)[0]
    assert "1 / 2 — 1 missing" in second and 'badge-pending">missing' in second
    later = await client.get(f"{ROSTER}?from=2027-04-20")
    assert f'cell-{slots[0]["id"]}"' not in later.text and f'cell-{slots[3]["id"]}"' in later.text


async def test_coordinator_assigns_members_until_the_slot_is_full(client, world, before_season):
    slots = await roster(world, people_needed=1)
    slot = slots[0]["id"]
    await login(client, world.email("carol"))
    assigned = await post_form(client, f"{ROSTER}/slots/{slot}/assign", {"user_id": str(world.users["alice"])})
    assert assigned.status_code == 303
    signup = await Signup.objects().get(Signup.slot == slot)
    assert (signup.user, signup.household, signup.status, signup.signed_by) == (
        world.users["alice"], world.households["alice"], "signed", world.users["carol"])
    full = await post_form(client, f"{ROSTER}/slots/{slot}/assign", {"user_id": str(world.users["bob"])})
    assert full.status_code == 400 and "This shift is full" in full.text
    assert (await Slot.objects().get(Slot.id == slot)).taken == 1


async def test_only_active_members_of_the_group_can_be_assigned(client, world, before_season):
    slots = await roster(world)
    await login(client, world.email("carol"))
    for who in ("paula", "erin"):
        response = await post_form(client, f"{ROSTER}/slots/{slots[0]['id']}/assign", {"user_id": str(world.users[who])})
        assert response.status_code == 400 and 'id="user_id-error"' in response.text
    assert await Signup.count() == 0


async def test_removing_someone_frees_their_place(client, world, before_season):
    slots = await roster(world)
    signup = await on_slot(world, slots[0], "alice")
    await login(client, world.email("carol"))
    assert (await post_form(client, f"{ROSTER}/signups/{signup}/remove")).status_code == 303
    left = await Signup.objects().get(Signup.id == signup)
    assert left.status == "left" and left.ended_at is not None
    assert (await Slot.objects().get(Slot.id == slots[0]["id"])).taken == 0
    assert (await post_form(client, f"{ROSTER}/signups/{signup}/remove")).status_code == 404


async def test_a_date_needs_more_people_but_never_fewer_than_are_on_it(client, world, before_season):
    slots = await roster(world)
    await on_slot(world, slots[0], "alice")
    await on_slot(world, slots[0], "bob")
    await login(client, world.email("carol"))
    too_few = await post_form(client, f"{ROSTER}/slots/{slots[0]['id']}/capacity", {"capacity": "1"})
    assert too_few.status_code == 400 and 'id="capacity-error"' in too_few.text
    assert (await post_form(client, f"{ROSTER}/slots/{slots[0]['id']}/capacity", {"capacity": "4"})).status_code == 303
    assert [s.capacity for s in await Slot.objects().order_by(Slot.held_on)] == [4, 2, 2, 2]


async def test_after_the_day_the_coordinator_marks_done_and_no_show_with_an_htmx_row(client, world):
    with BEFORE_SEASON:
        slots = await roster(world)
    alice = await on_slot(world, slots[0], "alice")
    bob = await on_slot(world, slots[0], "bob")
    future = await on_slot(world, slots[1], "alice")
    with time_machine.travel("2027-04-02 10:00 +02:00", tick=False):
        await login(client, world.email("carol"))
        row = await post_form(client, f"{ROSTER}/signups/{alice}/confirm", {"status": "done"},
                              headers={"HX-Request": "true"})
        assert row.status_code == 200 and row.text.lstrip().startswith(f'<tr id="signup-{alice}"')
        assert 'badge-active">done' in row.text and "<html" not in row.text
        assert (await post_form(client, f"{ROSTER}/signups/{bob}/confirm", {"status": "no_show"})).status_code == 303
        assert (await post_form(client, f"{ROSTER}/signups/{future}/confirm", {"status": "done"})).status_code == 404
    done = await Signup.objects().get(Signup.id == alice)
    assert (done.status, done.confirmed_by) == ("done", world.users["carol"]) and done.confirmed_at is not None
    assert (await Signup.objects().get(Signup.id == bob)).status == "no_show"
    assert (await Signup.objects().get(Signup.id == future)).status == "signed"


async def test_progress_counts_done_upcoming_and_no_shows_of_the_season_only(world):
    with BEFORE_SEASON:
        slots = await roster(world)
    old = (await Slot.insert(Slot(group=world.tilleuls, held_on=date(2026, 12, 3), capacity=2)).returning(Slot.id))[0]
    await on_slot(world, {"id": old["id"]}, "alice", "done")  # last season: does not count
    await on_slot(world, slots[0], "alice", "done")
    await on_slot(world, slots[1], "arthur", "no_show")  # Arthur shares Alice's household
    await on_slot(world, slots[3], "alice", "signed")
    await on_slot(world, slots[2], "bob", "left")
    await Obligation.insert(Obligation(group=world.tilleuls, starts_on=date(2027, 3, 1), ends_on=date(2027, 9, 30),
                                       shifts=3))
    counted = await progress(world.tilleuls, [world.households["alice"], world.households["bob"]], date(2027, 4, 16))
    assert counted[world.households["alice"]] == Progress(owed=3, done=1, upcoming=1, no_shows=1)
    assert counted[world.households["bob"]] == Progress(owed=3, done=0, upcoming=0, no_shows=0)
    assert counted[world.households["alice"]].behind and counted[world.households["alice"]].missing == 1
    nothing_owed = await progress(world.tilleuls, [world.households["bob"]], date(2027, 10, 15))
    assert nothing_owed[world.households["bob"]] == Progress(owed=0, done=0, upcoming=0, no_shows=0)
    assert not nothing_owed[world.households["bob"]].behind


async def test_a_share_type_obligation_applies_to_the_households_holding_that_share(world):
    from amap.contracts.tables import Subscription
    offer = await add_offer(world, deliveries=4)
    await Subscription.insert(Subscription(offer=offer.offer, offer_version=1, household=world.households["bob"],
                                           offer_share=offer.half_share, status="active", price_cents=1000))
    await Obligation.insert(Obligation(group=world.tilleuls, starts_on=date(2027, 3, 1), ends_on=date(2027, 9, 30),
                                       shifts=4),
                            Obligation(group=world.tilleuls, starts_on=date(2027, 3, 1), ends_on=date(2027, 9, 30),
                                       shifts=2, share_type_name="Demi-panier"))
    counted = await progress(world.tilleuls, [world.households["alice"], world.households["bob"]], date(2027, 4, 1))
    assert (counted[world.households["alice"]].owed, counted[world.households["bob"]].owed) == (4, 2)


async def test_the_committee_sets_an_obligation_and_sees_who_is_behind_first(client, world, before_season):
    slots = await roster(world)
    await on_slot(world, slots[0], "bob")
    await on_slot(world, slots[1], "bob")
    await login(client, world.email("carol"))
    saved = await post_form(client, f"{ROSTER}/obligations", {"starts_on": "2027-03-01", "ends_on": "2027-09-30",
                                                              "shifts": "2"})
    assert saved.status_code == 303
    overlapping = await post_form(client, f"{ROSTER}/obligations", {"starts_on": "2027-06-01", "ends_on": "2027-12-31",
                                                                    "shifts": "1"})
    assert overlapping.status_code == 400 and 'id="starts_on-error"' in overlapping.text
    table = (await client.get(ROSTER)).text.split('data-testid="behind-table"', 1)[1]
    assert table.index(f'behind-{world.households["alice"]}') < table.index(f'behind-{world.households["bob"]}')
    assert "behind: 2 shifts missing" in table and "on track" in table


async def test_inviting_households_behind_to_a_gap_mails_each_adult_once(client, world, before_season, outbox):
    slots = await roster(world)
    await Obligation.insert(Obligation(group=world.tilleuls, starts_on=date(2027, 3, 1), ends_on=date(2027, 9, 30),
                                       shifts=1))
    await on_slot(world, slots[1], "bob")  # Bob is on track; Alice's household and Carol are behind
    await login(client, world.email("carol"))
    first = await post_form(client, f"{ROSTER}/invite", {"slot_id": str(slots[0]["id"])})
    assert first.status_code == 303
    assert "3 invitations sent" in (await client.get(first.headers["location"])).text
    invited = await outbox.messages(kind="roster_invitation")
    assert {mail.to for mail in invited} == {world.email("alice"), world.email("arthur"), world.email("carol")}
    assert all(mail.key.startswith(f"roster_invitation:{slots[0]['id']}:") for mail in invited)
    again = await post_form(client, f"{ROSTER}/invite", {"slot_id": str(slots[0]["id"])})
    assert "0 invitations sent" in (await client.get(again.headers["location"])).text
    assert len(await outbox.messages(kind="roster_invitation")) == 3


async def test_the_printable_roster_lists_the_month_by_date_and_role(client, world, before_season):
    slots = await roster(world)
    await on_slot(world, slots[0], "alice")
    await login(client, world.email("carol"))
    printed = await client.get(f"{ROSTER}/print?month=2027-04")
    assert printed.status_code == 200 and 'data-testid="roster-print"' in printed.text
    assert "Alice" in printed.text and "Installation" in printed.text and "1 missing" in printed.text
    assert (await client.get(f"{ROSTER}/print?month=avril")).status_code == 404


async def test_members_see_who_holds_what_in_the_committee_and_how_to_reach_them(client, world):
    await Responsibility.insert(Responsibility(group=world.tilleuls, title="Trésorière", user=world.users["carol"],
                                               since=date(2026, 9, 1)))
    await login(client, world.email("alice"))
    page = await client.get("/groups/tilleuls/committee")
    assert page.status_code == 200
    card = page.text.split(f'data-testid="committee-member-{world.users["carol"]}"', 1)[1].split("</li>", 1)[0]
    assert "Carol" in card and "Trésorière" in card and "carol@example.org" in card
    assert 'data-testid="hand-over-form"' not in page.text
    assert (await post_form(client, "/groups/tilleuls/committee/responsibilities",
                            {"title": "Secrétaire", "user_id": str(world.users["carol"]), "since": "2027-01-01"}
                            )).status_code == 403
    assert (await client.get("/groups/canal/committee")).status_code == 404
    assert 'href="/groups/tilleuls/committee"' in (await client.get("/me")).text


async def test_a_coordinator_records_and_hands_over_a_responsibility_with_its_date(client, world):
    from amap.groups.services import appoint_coordinator
    await appoint_coordinator(world.tilleuls, world.users["bob"], world.users["carol"])
    await login(client, world.email("carol"))
    added = await post_form(client, "/groups/tilleuls/committee/responsibilities",
                            {"title": "Coordination des permanences", "user_id": str(world.users["carol"]),
                             "since": "2026-09-01"})
    assert added.status_code == 303
    held = await Responsibility.objects().first()
    not_a_coordinator = await post_form(client, "/groups/tilleuls/committee/responsibilities/hand-over", {
        "responsibility_id": str(held.id), "to_user_id": str(world.users["alice"]), "on": "2027-03-01"})
    assert not_a_coordinator.status_code == 400 and 'id="to_user_id-error"' in not_a_coordinator.text
    too_early = await post_form(client, "/groups/tilleuls/committee/responsibilities/hand-over", {
        "responsibility_id": str(held.id), "to_user_id": str(world.users["bob"]), "on": "2026-01-01"})
    assert too_early.status_code == 400 and 'id="on-error"' in too_early.text
    handed = await post_form(client, "/groups/tilleuls/committee/responsibilities/hand-over", {
        "responsibility_id": str(held.id), "to_user_id": str(world.users["bob"]), "on": "2027-03-01"})
    assert handed.status_code == 303
    rows = await Responsibility.select().order_by(Responsibility.id)
    assert [(r["user"], r["since"], r["until"]) for r in rows] == [
        (world.users["carol"], date(2026, 9, 1), date(2027, 3, 1)), (world.users["bob"], date(2027, 3, 1), None)]
    assert rows[1]["handed_over_by"] == world.users["carol"]
    page = await client.get("/groups/tilleuls/committee")
    assert 'data-testid="past-responsibilities"' in page.text and "Coordination des permanences" in page.text


async def test_a_member_is_refused_the_roster_tools(client, world, before_season):
    slots = await roster(world)
    await login(client, world.email("alice"))
    assert (await client.get(ROSTER)).status_code == 403
    for url, data in ((f"{ROSTER}/roles", {"name": "X", "people_needed": "1"}),
                      (f"{ROSTER}/slots/{slots[0]['id']}/assign", {"user_id": str(world.users["alice"])}),
                      (f"{ROSTER}/invite", {"slot_id": str(slots[0]["id"])})):
        assert (await post_form(client, url, data, page="/me")).status_code == 403
    assert await Signup.count() == 0 and await RosterRole.count() == 1


async def test_another_groups_coordinator_finds_nothing(client, world, before_season):
    slots = await roster(world)
    signup = await on_slot(world, slots[0], "alice")
    await login(client, world.email("cyril"))
    assert (await client.get(ROSTER)).status_code == 404
    assert (await client.get(f"/committee/canal/roster/slots/{slots[0]['id']}")).status_code == 404
    assert (await post_form(client, f"/committee/canal/roster/signups/{signup}/remove", page="/me")).status_code == 404
    assert (await post_form(client, f"{ROSTER}/signups/{signup}/remove", page="/me")).status_code == 404
    assert (await Signup.objects().get(Signup.id == signup)).status == "signed"
