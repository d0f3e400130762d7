"""`/network/sheets/{day}`: every member group's sign-off sheet of one day, printed together by the
network coordinator, with the very lines of each group's own sheet."""

import re
from dataclasses import replace
from datetime import date

import time_machine

from amap.contracts import lifecycle
from amap.distributions import services
from amap.distributions.calendar import sync_group
from amap.distributions.tables import Distribution
from amap.network.tables import NetworkGroup
from tests.integration.conftest import login
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.distributions.test_sheet import full_world, lines_of
from tests.integration.network.test_coordinator import another_network
from tests.world import add_offer

EIGHTH = date(2027, 4, 8)


async def canal_season(world) -> None:
    """The Canal (not in the network) distributes on the same Thursdays: Erin signs a full share."""
    canal = replace(world, tilleuls=world.canal, farm_tilleuls=world.farm_canal)
    offer = await add_offer(canal)
    await lifecycle.sign(request_for(world, offer, "erin"))
    await sync_group(world.canal)


async def distribution_of(group: int, day: date) -> dict:
    return await Distribution.select(*services.distribution_columns()).where(
        (Distribution.group == group) & (Distribution.held_on == day)).first()


def sections(html: str) -> dict[str, str]:
    """Each group's printed sheet, by group slug."""
    found = {}
    for chunk in html.split('data-testid="network-sheet" data-group="')[1:]:
        slug, rest = chunk.split('"', 1)
        found[slug] = rest.split("</section>")[0]
    return found


def names(html: str) -> list[str]:
    return re.findall(r'data-testid="line-name">([^<]*)<', html)


async def test_the_coordinator_prints_every_member_groups_sheet_of_the_day(client, world):
    await full_world(world)
    await canal_season(world)
    with time_machine.travel("2027-04-06 10:00 +02:00", tick=False):
        await login(client, "nina@example.org")
        overview = await client.get("/network")
        assert 'href="/network/sheets/2027-04-08?network=rhone"' in overview.text
        page = await client.get("/network/sheets/2027-04-08")
    assert page.status_code == 200
    printed = sections(page.text)
    assert list(printed) == ["tilleuls"]  # the Canal is not a member of the network
    tilleuls = printed["tilleuls"]
    assert names(tilleuls) == ["Alice", "Bob", "Paula"]
    assert "Jeudi 8 avril 2027" in tilleuls and "Cour AMAP des Tilleuls" in tilleuls
    assert "data-tick" not in page.text and 'name="household"' not in page.text  # paper: nothing to press
    assert tilleuls.count('class="print-box"') == 3

    await NetworkGroup.insert(NetworkGroup(network=world.network, group=world.canal))
    printed = sections((await client.get("/network/sheets/2027-04-08?network=rhone")).text)
    assert list(printed) == ["tilleuls", "canal"]  # by name: "AMAP des Tilleuls", then "AMAP du Canal"
    assert names(printed["canal"]) == ["Erin"]


async def test_each_printed_sheet_holds_the_lines_of_the_groups_own_sheet(client, world):
    await full_world(world)
    distribution = await distribution_of(world.tilleuls, EIGHTH)
    with time_machine.travel("2027-04-08 19:00 +02:00", tick=False):
        await login(client, "ada@example.org")  # an admin: coordinator of the group and of any network
        live = lines_of((await client.get(f"/distributions/{distribution['id']}/sheet")).text)
        printed = sections((await client.get("/network/sheets/2027-04-08")).text)["tilleuls"]
    paper = lines_of('data-testid="sheet-lines"' + printed.split('data-testid="sheet-lines"', 1)[1])
    assert list(paper) == list(live)
    for name, line in live.items():
        shares = re.findall(r'<ul class="sheet-shares".*?</ul>', line, re.S)
        assert shares == re.findall(r'<ul class="sheet-shares".*?</ul>', paper[name], re.S)
    household = world.households["alice"]
    assert f'id="line-{distribution["id"]}-{household}"' in printed  # ids stay unique across groups


async def test_a_cancelled_distribution_is_named_and_not_printed(client, world):
    await full_world(world)
    await Distribution.update({Distribution.status: "cancelled"}).where(
        (Distribution.group == world.tilleuls) & (Distribution.held_on == EIGHTH))
    await login(client, "nina@example.org")
    page = await client.get("/network/sheets/2027-04-08")
    assert sections(page.text) == {}
    assert "AMAP des Tilleuls" in page.text.split('data-testid="network-sheets-cancelled"')[1].split("</p>")[0]
    empty = await client.get("/network/sheets/2027-04-09")
    assert empty.status_code == 200 and 'data-testid="network-sheets-empty"' in empty.text


async def test_only_the_networks_coordinators_and_admins_print_its_sheets(client, world):
    await full_world(world)
    await another_network(world)  # Cyril coordinates "sud" (and the Canal's committee)
    await login(client, "cyril@example.org")
    assert (await client.get("/network/sheets/2027-04-08?network=sud")).status_code == 200
    assert (await client.get("/network/sheets/2027-04-08?network=rhone")).status_code == 404
    assert (await client.get("/network/sheets/2027-02-30?network=sud")).status_code == 404  # no such day
    await login(client, "carol@example.org")  # the Tilleuls' coordinator, but not the network's
    assert (await client.get("/network/sheets/2027-04-08")).status_code == 403
