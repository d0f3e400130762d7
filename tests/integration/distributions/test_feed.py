"""The personal iCalendar feed: a secret link made on /profile/calendar, revocable, carrying the
household's distributions."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
import time_machine
from icalendar import Calendar

from amap.contracts import lifecycle
from amap.distributions import changes
from amap.distributions.tables import CalendarToken
from amap.home.feed import replace_token
from amap.lib.security import token_digest
from tests.integration.conftest import login, post_form
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.distributions.test_calendar_pages import distribution_on, season

MID_APRIL = time_machine.travel("2027-04-20 10:00 +02:00", tick=False)


@pytest.fixture
def mid_april():
    with MID_APRIL:
        yield


@pytest.fixture
async def anonymous(running_app):
    """A calendar app: no session, no cookie, only the address."""
    transport = httpx.ASGITransport(app=running_app, client=("10.9.9.9", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def events(anonymous, path: str) -> list:
    response = await anonymous.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


async def feed_path(world, who: str) -> str:
    return f"/calendar/{await replace_token(world.users[who])}.ics"


async def test_the_link_is_made_on_the_profile_shown_once_and_the_feed_parses_back(client, anonymous, world,
                                                                                     mid_april):
    vegetables = await season(world)
    await lifecycle.sign(request_for(world, vegetables, "alice", quantity=2))
    await login(client, "alice@example.org")
    assert 'href="/profile/calendar"' in (await client.get("/profile")).text
    made = await post_form(client, "/profile/calendar", page="/profile/calendar")
    assert made.status_code == 200 and 'data-testid="new-calendar-link"' in made.text
    link = re.search(r"http://testserver(/calendar/[\w-]+\.ics)", made.text).group(1)
    assert link not in (await client.get("/profile/calendar")).text  # shown only once
    token = link.removeprefix("/calendar/").removesuffix(".ics")
    assert await CalendarToken.exists().where(CalendarToken.token_digest == token_digest(token))
    assert not await CalendarToken.exists().where(CalendarToken.token_digest == token)

    found = await events(anonymous, link)
    assert len(found) == 26  # every Thursday of the season is within 60 days back and 400 ahead
    first = await distribution_on(date(2027, 4, 1))
    event = next(e for e in found if e["uid"].startswith(f"distribution-{first['id']}@"))
    assert event.decoded("dtstart") == datetime(2027, 4, 1, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert event.decoded("dtend") == datetime(2027, 4, 1, 20, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert str(event["summary"]) == "Distribution AMAP des Tilleuls"
    assert str(event["location"]) == "Cour AMAP des Tilleuls, 1 place du Marché"
    assert "Panier complet × 2" in str(event["description"]) and str(event["status"]) == "CONFIRMED"
    again = await events(anonymous, link)
    assert sorted(str(e["uid"]) for e in again) == sorted(str(e["uid"]) for e in found)  # stable UIDs


async def test_a_cancelled_or_moved_distribution_stays_in_the_feed_with_its_change(anonymous, world, mid_april):
    vegetables = await season(world)
    await lifecycle.sign(request_for(world, vegetables, "alice"))
    cancelled, moved = await distribution_on(date(2027, 4, 29)), await distribution_on(date(2027, 5, 6))
    await changes.cancel(cancelled, "Cour inondée", world.users["carol"])
    await changes.move(moved, date(2027, 5, 7), "", world.users["carol"])
    found = {str(e["uid"]).split("@")[0]: e for e in await events(anonymous, await feed_path(world, "alice"))}
    assert len(found) == 26
    assert str(found[f"distribution-{cancelled['id']}"]["status"]) == "CANCELLED"
    assert found[f"distribution-{cancelled['id']}"].decoded("sequence") == 1
    assert found[f"distribution-{moved['id']}"].decoded("dtstart").date() == date(2027, 5, 7)


async def test_only_recent_and_coming_distributions_are_in_the_feed(anonymous, world):
    vegetables = await season(world)
    await lifecycle.sign(request_for(world, vegetables, "alice"))
    with time_machine.travel("2027-08-31 10:00 +02:00", tick=False):  # 60 days back: from 2 July
        found = await events(anonymous, await feed_path(world, "alice"))
    days = sorted(e.decoded("dtstart").date() for e in found)
    assert days[0] == date(2027, 7, 8) and days[-1] == date(2027, 9, 23)


async def test_replacing_the_link_stops_the_old_one_and_stopping_it_gives_404(client, anonymous, world, mid_april):
    await season(world)
    old = await feed_path(world, "alice")
    assert (await anonymous.get(old)).status_code == 200
    await login(client, "alice@example.org")
    made = await post_form(client, "/profile/calendar", page="/profile/calendar")
    new = re.search(r"http://testserver(/calendar/[\w-]+\.ics)", made.text).group(1)
    assert (await anonymous.get(old)).status_code == 404
    assert (await anonymous.get(new)).status_code == 200
    stopped = await post_form(client, "/profile/calendar/revoke")
    assert stopped.status_code == 303
    assert (await anonymous.get(new)).status_code == 404
    assert (await anonymous.get("/calendar/not-a-token.ics")).status_code == 404
    assert (await anonymous.get(new.removesuffix(".ics"))).status_code == 404


async def test_each_token_shows_its_owners_distributions_only(anonymous, world, mid_april):
    vegetables = await season(world)
    await lifecycle.sign(request_for(world, vegetables, "alice"))
    bob = await events(anonymous, await feed_path(world, "bob"))
    assert bob == []  # a member of the group who collects nothing
    carol = await events(anonymous, await feed_path(world, "carol"))
    assert len(carol) == 26  # the committee follows every distribution of its group
    assert not any("Panier complet" in str(e.get("description", "")) for e in carol)  # not Alice's share
    assert await events(anonymous, await feed_path(world, "erin")) == []  # another group
    assert len(await events(anonymous, await feed_path(world, "dan"))) == 26  # the farmer delivers them all


async def test_the_calendar_link_page_needs_a_login(client, world):
    response = await client.get("/profile/calendar")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
