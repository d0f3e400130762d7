"""The personal iCalendar feed `/calendar/{token}.ics` and `/profile/calendar`, where a member makes,
replaces or stops their secret link.

What the feed carries: every distribution of the groups the user runs (committee) or supplies
(farm), and those of their member groups where their household collects something; from 60 days
back to 400 days ahead. Cancelled ones stay in it with STATUS:CANCELLED, so calendars update
them instead of silently keeping the old event. The user's volunteer shifts are in it too, which
is why it lives here, with the pages that bring several domains together. Only the token's digest
is stored.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from amap.accounts.tables import User
from amap.distributions import services
from amap.distributions.tables import CalendarToken, Distribution
from amap.farms.tables import Farmer, FarmSupply
from amap.groups.services import own_words
from amap.groups.tables import Coordinator, Membership
from amap.lib.access import current, requires_login
from amap.lib.dates import local_today
from amap.lib.db import utcnow, write_transaction
from amap.lib.i18n import LANGUAGES, _, set_language, set_vocabulary
from amap.lib.security import new_token, token_digest
from amap.lib.settings import get_settings
from amap.lib.web import notice, page, see_other
from amap.roster.signups import shifts_of

FEED_PAST = timedelta(days=60)
FEED_AHEAD = timedelta(days=400)


async def replace_token(user_id: int) -> str:
    """A new secret link for the user; the previous one stops working at once."""
    token = new_token()
    async with write_transaction():
        await CalendarToken.update({CalendarToken.revoked_at: utcnow()}).where(
            (CalendarToken.user == user_id) & CalendarToken.revoked_at.is_null())
        await CalendarToken.insert(CalendarToken(user=user_id, token_digest=token_digest(token)))
    return token


async def revoke_tokens(user_id: int) -> bool:
    rows = await CalendarToken.update({CalendarToken.revoked_at: utcnow()}).where(
        (CalendarToken.user == user_id) & CalendarToken.revoked_at.is_null()).returning(CalendarToken.id)
    return bool(rows)


async def feed_owner(token: str) -> dict | None:
    """The active user a live token belongs to."""
    row = await CalendarToken.select(CalendarToken.user).where(
        (CalendarToken.token_digest == token_digest(token)) & CalendarToken.revoked_at.is_null()).first()
    if row is None:
        return None
    return await User.select(User.id, User.household, User.language).where(
        (User.id == row["user"]) & (User.is_active == True)).first()  # noqa: E712


async def _groups(user: dict) -> tuple[set[int], set[int]]:
    """(groups whose every distribution the user follows: committee or farm, member groups)."""
    members = set()
    if user["household"] is not None:
        members = {row["group"] for row in await Membership.select(Membership.group).where(
            (Membership.household == user["household"]) & (Membership.status == "active"))}
    running = {row["group"] for row in await Coordinator.select(Coordinator.group).where(
        (Coordinator.user == user["id"]) & Coordinator.ended_at.is_null())}
    farms = [row["farm"] for row in await Farmer.select(Farmer.farm).where(
        (Farmer.user == user["id"]) & Farmer.ended_at.is_null())]
    if farms:
        running |= {row["group"] for row in await FarmSupply.select(FarmSupply.group).where(
            FarmSupply.farm.is_in(farms) & FarmSupply.ended_at.is_null())}
    return running, members - running


async def feed_distributions(user: dict, today: date) -> tuple[list[dict], dict[int, list[services.Collection]]]:
    """The distributions the feed carries, and what the user's household collects at each."""
    running, members = await _groups(user)
    if not running | members:
        return [], {}
    rows = await Distribution.select(*services.distribution_columns()).where(
        Distribution.group.is_in(sorted(running | members)) & (Distribution.held_on >= today - FEED_PAST)
        & (Distribution.held_on <= today + FEED_AHEAD)).order_by(Distribution.held_on)
    collected: dict[int, list[services.Collection]] = {}
    if user["household"] is not None:
        for item in await services.collections([row["id"] for row in rows], [user["household"]]):
            collected.setdefault(item.distribution_id, []).append(item)
    return [row for row in rows if row["group"] in running or row["id"] in collected], collected


def render_feed(rows: list[dict], collected: dict[int, list[services.Collection]],
                changes: dict[int, list[dict]], now: datetime, shifts: list[dict] | None = None) -> bytes:
    base_url = get_settings().base_url
    host = urlsplit(base_url).hostname or "amap"
    calendar = Calendar()
    calendar.add("prodid", "-//amap//distributions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("AMAP distributions"))
    for row in rows:
        zone = ZoneInfo(row["timezone"])
        event = Event()
        event.add("uid", f"distribution-{row['id']}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", datetime.combine(row["held_on"], row["starts_at"], tzinfo=zone))
        event.add("dtend", datetime.combine(row["held_on"], row["ends_at"], tzinfo=zone))
        event.add("summary", _("Distribution %(group)s", group=row["group_name"]))
        if row["place_name"]:
            event.add("location", ", ".join(p for p in (row["place_name"], row["place_address"]) if p))
        lines = [f"{c.share_name} × {c.quantity} — {c.offer_name} ({c.farm_name})"
                 for c in collected.get(row["id"], []) if c.outcome != "cancelled"]
        url = f"{base_url}/distributions/{row['id']}"
        event.add("description", "\n".join([*lines, url]))
        event.add("url", url)
        event.add("status", "CANCELLED" if row["status"] == "cancelled" else "CONFIRMED")
        history = changes.get(row["id"], [])
        event.add("sequence", len(history))  # calendars replace the event when a change raises it
        if history:
            event.add("last-modified", history[-1]["changed_at"])
        calendar.add_component(event)
    for shift in shifts or []:  # the user's own roster shifts (amap.roster.signups.shifts_of)
        event = Event()
        event.add("uid", f"shift-{shift['signup_id']}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", shift["starts"])
        event.add("dtend", shift["ends"])
        event.add("summary", _("Shift: %(title)s", title=shift["title"]))
        if shift["place"]:
            event.add("location", shift["place"])
        event.add("url", f"{base_url}/roster")
        calendar.add_component(event)
    days = [row["held_on"] for row in rows] + [shift["held_on"] for shift in shifts or []]
    if days:
        calendar.add_missing_timezones(first_date=min(days) - timedelta(days=366),
                                       last_date=max(days) + timedelta(days=366))
    return calendar.to_ical()


class CalendarFeedController(Controller):
    @get("/calendar/{filename:str}", name="calendar_feed")
    async def feed(self, filename: FromPath[str]) -> Response[bytes]:
        """No login: the secret token in the address is the key. Unknown or revoked: 404."""
        token = filename.removesuffix(".ics")
        user = await feed_owner(token) if filename.endswith(".ics") and token else None
        if user is None:
            raise NotFoundException()
        if user["language"] in LANGUAGES:
            set_language(user["language"])
        set_vocabulary(await own_words(user["household"]))
        rows, collected = await feed_distributions(user, local_today())
        changes = await services.changes_of([row["id"] for row in rows])
        shifts = await shifts_of(None, local_today(), user_id=user["id"])
        return Response(render_feed(rows, collected, changes, utcnow(), shifts), media_type="text/calendar; charset=utf-8",
                        headers={"Cache-Control": "private, max-age=900",
                                 "Content-Disposition": 'inline; filename="amap.ics"'})


class CalendarLinkController(Controller):
    path = "/profile/calendar"
    guards = [requires_login]

    async def _render(self, request: Request, new_link: str | None = None) -> Template:
        active = await CalendarToken.select(CalendarToken.created_at).where(
            (CalendarToken.user == current(request).id) & CalendarToken.revoked_at.is_null()).first()
        return page(request, "distributions/feed.html", active=active, new_link=new_link)

    @get("", name="calendar_link")
    async def show(self, request: Request) -> Template:
        return await self._render(request)

    @post("")
    async def replace(self, request: Request) -> Template:
        token = await replace_token(current(request).id)
        return await self._render(request, new_link=f"{get_settings().base_url}/calendar/{token}.ics")

    @post("/revoke")
    async def revoke(self, request: Request) -> Redirect:
        if await revoke_tokens(current(request).id):
            notice(request, _("Your calendar link is stopped: calendars that used it no longer update."))
        return see_other("/profile/calendar")
