"""The committee's pages: member households, invitations, the committee itself, group settings."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from piccolo.query import OrderByRaw
from piccolo.query.methods.select import Count

from amap.accounts.search import household_matches
from amap.accounts.tables import User
from amap.groups import services
from amap.groups.tables import Coordinator, Group, Invitation, Membership, Place
from amap.lib import pagination, vocabulary
from amap.lib.access import Principal, current, ensure, requires_coordinator
from amap.lib.dates import local_today, weekday_name
from amap.lib.db import utcnow
from amap.lib.forms import Form
from amap.lib.i18n import LANGUAGES, _, get_language, set_vocabulary
from amap.lib.numbers import decimal_text
from amap.lib.prepared import prepared
from amap.lib.security import token_digest
from amap.lib.settings import get_settings
from amap.lib.web import form_data, notice, page, see_other
from amap.notifications.outbox import Recipient, notify

MEMBERSHIP_STATUSES = ("pending", "active", "left")


# Read on every committee page: their SQL is written once (amap.lib.prepared).
_ALL_GROUPS = prepared(lambda: Group.select(Group.id, Group.name, Group.slug).order_by(Group.name))
_GROUP = prepared(lambda slug: Group.select().where(Group.slug == slug).first())


async def coordinated_groups(principal: Principal) -> list[dict]:
    """The groups whose committee one sits on, by name (every group for an administrator)."""
    if principal.is_admin:
        return await _ALL_GROUPS()
    return list(principal.groups_among(principal.coordinator_groups).values())  # read with the principal


async def chosen_group(principal: Principal, slug: str | None) -> tuple[dict, list[dict]]:
    """The group whose committee page is open: ?group=slug, else the first one coordinated.
    The page then speaks the group's own words."""
    groups = await coordinated_groups(principal)
    if slug is None:
        ensure(bool(groups))
        slug = groups[0]["slug"]
    if principal.is_admin:
        group = await _GROUP(slug=slug)
    else:
        group = next((group for group in groups if group["slug"] == slug), None)
    ensure(group is not None and principal.coordinates(group["id"]))
    set_vocabulary(group["vocabulary"])
    return group, groups


MEMBER_LIST = "member-list"  # the element the list's search box and pages swap
OPEN_INVITATIONS_SHOWN = 50  # the latest ones; the others still work


def _members(group_id: int):
    return Membership.select(Membership.household).where(Membership.group == group_id)


def members_where(group_id: int, q: str = ""):
    """The group's memberships, those of households matching the search when there is one."""
    where = Membership.group == group_id
    if q:
        where &= household_matches(Membership.household, q, _members(group_id))
    return where


_COUNTS = prepared(lambda group: Membership.select(Membership.status, Count(Membership.id, alias="count")).where(
    Membership.group == group).group_by(Membership.status))


async def member_counts(group_id: int) -> dict[str, int]:
    """Households by membership status, for the whole group (one query)."""
    rows = await _COUNTS(group=group_id)
    counts = dict.fromkeys(MEMBERSHIP_STATUSES, 0)
    counts.update({row["status"]: row["count"] for row in rows})
    return counts


_ADULTS = prepared(lambda households: User.select(User.id, User.name, User.email, User.phone, User.household).where(
    User.household.is_in(households) & (User.is_active == True)).order_by(User.id))  # noqa: E712


async def with_adults(memberships: list[dict]) -> list[dict]:
    """Each membership with its household's active adults, in one query."""
    adults: dict[int, list[dict]] = {}
    if memberships:
        for user in await _ADULTS(households=[m["household"] for m in memberships]):
            adults.setdefault(user["household"], []).append(user)
    for membership in memberships:
        membership["adults"] = adults.get(membership["household"], [])
    return memberships


def _membership_columns() -> list:
    return [Membership.id, Membership.status, Membership.created_at, Membership.household, Membership.fee_cents,
            Membership.fee_received_on, Membership.household.name.as_alias("household_name")]


def _members_in_order(where):
    """Households waiting for an answer first (what the committee has to act on), then the members,
    then those who left; by name within each."""
    return Membership.select(*_membership_columns()).where(where).order_by(
        OrderByRaw("CASE \"membership\".\"status\" WHEN 'pending' THEN 0 WHEN 'active' THEN 1 ELSE 2 END")
    ).order_by(Membership.household.name).order_by(Membership.id)


# A page of the whole list, the committee's most read list: its SQL is written once per page number.
_MEMBERS_PAGE = prepared(lambda group, limit, offset: _members_in_order(Membership.group == group).limit(
    limit).offset(offset), shaping=("limit", "offset"))


async def member_households(group_id: int, q: str = "", *, limit: int | None = None, offset: int = 0) -> list[dict]:
    """The group's households with their adults (`_members_in_order`), or one page of them."""
    if limit is not None and not q:
        return await with_adults(await _MEMBERS_PAGE(group=group_id, limit=limit, offset=offset))
    query = _members_in_order(members_where(group_id, q))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return await with_adults(await query)


async def member_household(group_id: int, membership_id: int) -> dict:
    """One of the group's households with its adults (a row of the list)."""
    found = await Membership.select(*_membership_columns()).where(
        (Membership.group == group_id) & (Membership.id == membership_id)).first()
    ensure(found is not None)
    return (await with_adults([found]))[0]


_COMMITTEE = prepared(lambda group: Coordinator.select(
    Coordinator.id, Coordinator.title, Coordinator.granted_at, Coordinator.user.name.as_alias("name"),
    Coordinator.user.email.as_alias("email"), Coordinator.user.phone.as_alias("phone"),
).where((Coordinator.group == group) & Coordinator.ended_at.is_null()).order_by(Coordinator.granted_at))
_OPEN_INVITATIONS = prepared(lambda group, now: Invitation.select(
    Invitation.email, Invitation.created_at, Invitation.expires_at,
).where((Invitation.group == group) & Invitation.accepted_at.is_null() & (Invitation.expires_at > now)).order_by(
    Invitation.created_at, ascending=False).limit(OPEN_INVITATIONS_SHOWN))


class CommitteeController(Controller):
    path = "/committee"
    guards = [requires_coordinator]

    async def _render(self, request: Request, slug: str | None, *, invite_form: Form | None = None,
                      committee_form: Form | None = None, q: str = "", number: int = 1,
                      status_code: int = 200) -> Template:
        group, groups = await chosen_group(current(request), slug)
        counts = await member_counts(group["id"])
        found = await Membership.count().where(members_where(group["id"], q)) if q else sum(counts.values())
        pages = pagination.pager(request, number, found, keep={"group": group["slug"], "q": q}, path="/committee")
        members = await member_households(group["id"], q, limit=pages.size, offset=pages.offset)
        block = pagination.list_block(request, MEMBER_LIST, "member_list")
        context = {"group": group, "groups": groups, "members": members, "pager": pages, "q": q, "counts": counts}
        if block is None:  # the whole page: the committee and the open invitations too
            context["committee"] = await _COMMITTEE(group=group["id"])
            context["invitations"] = await _OPEN_INVITATIONS(group=group["id"], now=utcnow())
        return page(request, "groups/committee.html", block=block, status_code=status_code,
                    invite_form=invite_form or Form(), committee_form=committee_form or Form(), **context)

    @get("", name="committee")
    async def show(self, request: Request, group: FromQuery[str | None] = None, q: FromQuery[str] = "",
                   page_number: pagination.PageQuery = None) -> Template:
        """The group's households, 50 a page, searched by a household's name or an adult's name or e-mail."""
        return await self._render(request, group, q=pagination.search_term(q),
                                  number=pagination.page_number(page_number))

    @post("/{slug:str}/invite")
    async def invite(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        group, _groups = await chosen_group(current(request), slug)
        form = Form(await form_data(request))
        email = form.email()
        if not form.ok:
            return await self._render(request, slug, invite_form=form, status_code=400)
        token = await services.invite(email=email, invited_by=current(request).id, group_id=group["id"])
        link = f"{get_settings().base_url}/invitations/{token}"
        await notify("group_invitation", f"group_invitation:{token_digest(token)}",
                     Recipient(email=email, language=get_language()), group=group, link=link,
                     inviter=current(request).name)
        notice(request, _("Invitation sent to %(email)s.", email=email))
        return see_other(f"/committee?group={slug}")

    @post("/{slug:str}/members/{membership_id:int}")
    async def set_status(self, request: Request, slug: FromPath[str], membership_id: FromPath[int]) -> Template | Redirect:
        group, _groups = await chosen_group(current(request), slug)
        form = Form(await form_data(request))
        status = form.choice("status", MEMBERSHIP_STATUSES)
        ensure(form.ok and await services.set_membership_status(membership_id, group["id"], status, current(request).id))
        if request.headers.get("hx-request") == "true":
            member = await member_household(group["id"], membership_id)
            # The counts above the table refresh themselves on this event.
            return page(request, "groups/committee.html", block="member_rows", group=group, members=[member],
                        changed=True, headers={"HX-Trigger": "membership-changed"})  # the row says it aloud
        notice(request, _("The membership is updated."))
        return see_other(f"/committee?group={slug}")

    @post("/{slug:str}/members/{membership_id:int}/fee")
    async def fee_received(self, request: Request, slug: FromPath[str], membership_id: FromPath[int]) -> Redirect:
        """The association's fee was handed over (cheque or cash to the treasurer)."""
        group, _groups = await chosen_group(current(request), slug)
        ensure(await services.record_fee(membership_id, group["id"], local_today(group["timezone"]), current(request).id))
        notice(request, _("The membership fee is recorded as received."))
        return see_other(f"/committee?group={slug}")

    @post("/{slug:str}/coordinators")
    async def appoint(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        """Add an adult of an active household of the group, named by their e-mail address."""
        group, _groups = await chosen_group(current(request), slug)
        form = Form(await form_data(request))
        email = form.email("member_email")
        title = form.text("title", required=False, max_length=100)
        member = await User.select(User.id).where(
            (User.email == email.lower()) & (User.is_active == True)  # noqa: E712
            & User.household.is_in(Membership.select(Membership.household).where(
                (Membership.group == group["id"]) & (Membership.status == "active")))).first() if form.ok else None
        if form.ok and member is None:
            form.error("member_email", _("Enter the e-mail address of an adult of a member household of the group."))
        if not form.ok:
            return await self._render(request, slug, committee_form=form, status_code=400)
        await services.appoint_coordinator(group["id"], member["id"], current(request).id, title)
        notice(request, _("The committee is updated."))
        return see_other(f"/committee?group={slug}")

    @post("/{slug:str}/coordinators/{coordinator_id:int}/end")
    async def step_down(self, request: Request, slug: FromPath[str], coordinator_id: FromPath[int]) -> Redirect:
        group, _groups = await chosen_group(current(request), slug)
        ensure(await services.end_coordinator(coordinator_id, group["id"], current(request).id))
        notice(request, _("The committee is updated."))
        return see_other(f"/committee?group={slug}")


class GroupSettingsController(Controller):
    path = "/committee/{slug:str}/settings"
    guards = [requires_coordinator]

    async def _render(self, request: Request, slug: str, *, form: Form | None = None,
                      place_form: Form | None = None, words_form: Form | None = None,
                      status_code: int = 200) -> Template:
        group, groups = await chosen_group(current(request), slug)
        chosen = vocabulary.parse(group["vocabulary"])
        places = await Place.select().where(Place.group == group["id"]).order_by(Place.weekday)
        values = {key: str(group[key]) for key in ("name", "description", "city", "contact_email", "timezone", "language")}
        fee = group["membership_fee_cents"]
        values["membership_fee"] = decimal_text(f"{fee // 100}.{fee % 100:02d}")  # as the reader types it
        values["accepts_members_at_once"] = "on" if group["accepts_members_at_once"] else ""
        values["absence_notice_hours"] = str(group["absence_notice_hours"])
        weekdays = [(str(i), weekday_name(i, get_language())) for i in range(7)]
        return page(request, "groups/settings.html", status_code=status_code, group=group, groups=groups,
                    places=places, form=form or Form(values), place_form=place_form or Form(),
                    words_form=words_form or Form({f"words_{term}": chosen.get(term, "") for term in vocabulary.TERMS}),
                    words=word_fields(get_language()), weekdays=weekdays, languages=LANGUAGES,
                    timezones=[(tz, tz) for tz in TIMEZONES])

    @get("", name="group_settings")
    async def show(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._render(request, slug)

    @post("")
    async def update(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        group, _groups = await chosen_group(current(request), slug)
        form = Form(await form_data(request))
        values = {
            Group.name: form.text("name"),
            Group.description: form.text("description", required=False, max_length=5000),
            Group.city: form.text("city", required=False, max_length=120),
            Group.contact_email: form.email("contact_email", required=False),
            Group.timezone: form.choice("timezone", TIMEZONES),
            Group.language: form.choice("language", LANGUAGES),
            Group.membership_fee_cents: form.euros("membership_fee", required=False),
            Group.accepts_members_at_once: form.checkbox("accepts_members_at_once"),
            Group.absence_notice_hours: form.integer("absence_notice_hours", minimum=0, maximum=14 * 24)
            if form.get("absence_notice_hours") else 48,
        }
        if not form.ok:
            return await self._render(request, slug, form=form, status_code=400)
        await Group.update(values).where(Group.id == group["id"])
        notice(request, _("The group's settings are saved."))
        return see_other(f"/committee/{slug}/settings")

    @post("/words")
    async def save_words(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        """The group's own words for the share, the shift and the group; a word not offered saves nothing."""
        group, _groups = await chosen_group(current(request), slug)
        form = Form(await form_data(request))
        chosen = {term: form.choice(f"words_{term}", vocabulary.choices(term), required=False)
                  for term in vocabulary.TERMS}
        if not form.ok:
            return await self._render(request, slug, words_form=form, status_code=400)
        await Group.update({Group.vocabulary: vocabulary.encode(chosen)}).where(Group.id == group["id"])
        notice(request, _("The group's words are saved."))
        return see_other(f"/committee/{slug}/settings")

    @post("/places")
    async def add_place(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        group, _groups = await chosen_group(current(request), slug)
        form = Form(await form_data(request))
        place = read_place(form)
        if not form.ok:
            return await self._render(request, slug, place_form=form, status_code=400)
        await Place.insert(Place(group=group["id"], **place))
        notice(request, _("The distribution place is added."))
        return see_other(f"/committee/{slug}/settings")

    @post("/places/{place_id:int}/delete")
    async def remove_place(self, request: Request, slug: FromPath[str], place_id: FromPath[int]) -> Redirect:
        group, _groups = await chosen_group(current(request), slug)
        deleted = await Place.delete().where((Place.id == place_id) & (Place.group == group["id"])).returning(Place.id)
        ensure(bool(deleted))
        notice(request, _("The distribution place is removed."))
        return see_other(f"/committee/{slug}/settings")


TIMEZONES = ("Europe/Paris", "Europe/Brussels", "Europe/Zurich", "Europe/Luxembourg", "America/Montreal",
             "America/Bogota", "America/Lima", "America/Mexico_City", "America/Sao_Paulo", "Indian/Reunion",
             "America/Guadeloupe", "America/Martinique", "Pacific/Noumea", "UTC")


def word_fields(language: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The words form: per term, its field, its label and its options, each word in the reader's language
    followed by the other languages' (one choice holds for all)."""
    others = [code for code in LANGUAGES if code != language]
    fields = []
    for term in vocabulary.TERMS:
        as_written = " / ".join(noun.singular for noun in vocabulary.SOURCES.get(language, vocabulary.SOURCES["en"])[term])
        options = [("", _("%(word)s (no change)", word=as_written))]
        for key in vocabulary.choices(term):
            word = vocabulary.word(term, key, language)
            elsewhere = list(dict.fromkeys(w for w in (vocabulary.word(term, key, code) for code in others) if w != word))
            options.append((key, f"{word} ({' · '.join(elsewhere)})" if elsewhere else word))
        fields.append((f"words_{term}", _("Instead of “%(word)s”", word=as_written), options))
    return fields


def read_place(form: Form) -> dict:
    place = {
        "name": form.text("place_name"),
        "address": form.text("address", max_length=300),
        "weekday": form.integer("weekday", minimum=0, maximum=6),
        "starts_at": form.time("starts_at"),
        "ends_at": form.time("ends_at"),
    }
    if place["starts_at"] and place["ends_at"] and place["ends_at"] <= place["starts_at"]:
        form.error("ends_at", _("The end must come after the start."))
    return place
