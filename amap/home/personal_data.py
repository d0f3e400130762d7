"""A person's own data: downloading all of it (`/profile/data.json`, `/profile/data.csv`) and
deleting their account, by themselves or by a coordinator of their group.

Deleting anonymises rather than removes: payments, subscriptions, deliveries, collections,
orders and shifts stay, so the farm's accounts still add up, but they point to a user named
"Deleted account <id>" who can never log in again.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from amap.accounts.sessions import rotate_session_id
from amap.accounts.tables import ApiToken, Household, PasswordResetToken, User
from amap.contracts.tables import Installment, Subscription
from amap.distributions.tables import Absence, CalendarToken
from amap.exports.writers import csv_file, euros, safe_text
from amap.groups.committee import chosen_group
from amap.groups.tables import Coordinator, Invitation, Membership
from amap.lib.access import SESSION_USER_KEY, current, ensure, requires_coordinator, requires_login
from amap.lib.dates import local_today
from amap.lib.db import utcnow, write_transaction
from amap.lib.forms import Form
from amap.lib.i18n import _, get_language
from amap.lib.money import format_cents
from amap.lib.web import form_data, notice, page, see_other
from amap.notifications.tables import OptOut, OutboxMessage
from amap.orders.tables import Order, OrderLine
from amap.payments.tables import Payment
from amap.roster.tables import Signup
from amap.system.tables import StoreEntry

SESSION_NAMESPACE = "sessions:"


def _plain(value: object) -> object:
    """Dates as ISO 8601, everything else as it is."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def _rows(rows: list[dict], money: tuple[str, ...] = ()) -> list[dict]:
    """Rows with ISO dates, and each `<name>_cents` also given formatted as `<name>`."""
    language = get_language()
    out = []
    for row in rows:
        clean = {key: _plain(value) for key, value in row.items()}
        for key in money:
            clean[key.removesuffix("_cents")] = format_cents(row[key] or 0, language)
        out.append(clean)
    return out


async def personal_data(user_id: int) -> dict:
    """Everything kept about this person and their household's shared records."""
    user = await User.select(User.id, User.household, User.name, User.email, User.phone, User.language,
                             User.created_at, User.last_login_at).where(User.id == user_id).first()
    household_id = user.pop("household")
    data: dict = {"exported_at": _plain(utcnow()), "account": _rows([user])[0], "household": None}
    household_ids = [household_id] if household_id is not None else [-1]
    if household_id is not None:
        household = await Household.select(Household.id, Household.name, Household.created_at).where(
            Household.id == household_id).first()
        household["adults"] = await User.select(User.name, User.email).where(
            (User.household == household_id) & (User.is_active == True)).order_by(User.id)  # noqa: E712
        data["household"] = _rows([household])[0]
    data["memberships"] = _rows(await Membership.select(
        Membership.group.name.as_alias("group"), Membership.status, Membership.created_at, Membership.accepted_at,
        Membership.fee_cents, Membership.fee_received_on,
    ).where(Membership.household.is_in(household_ids)).order_by(Membership.id), money=("fee_cents",))
    subscriptions = await Subscription.select(
        Subscription.id, Subscription.offer.name.as_alias("contract"), Subscription.offer.farm.name.as_alias("farm"),
        Subscription.offer_share.share_type.name.as_alias("share"), Subscription.tier, Subscription.quantity,
        Subscription.status, Subscription.signed_at, Subscription.first_delivery_on, Subscription.ended_on,
        Subscription.deliveries, Subscription.price_cents, Subscription.total_cents,
    ).where(Subscription.household.is_in(household_ids) | Subscription.co_household.is_in(household_ids)
            ).order_by(Subscription.id)
    ids = [row["id"] for row in subscriptions] or [-1]
    installments = await Installment.select(
        Installment.subscription, Installment.number, Installment.due_on, Installment.amount_cents,
    ).where(Installment.subscription.is_in(ids)).order_by(Installment.subscription, Installment.number)
    payments = await Payment.select(
        Payment.subscription, Payment.received_on, Payment.amount_cents, Payment.method, Payment.cheque_number,
        Payment.bank, Payment.note,
    ).where(Payment.subscription.is_in(ids)).order_by(Payment.id)
    for subscription in subscriptions:
        subscription["installments"] = _rows([{k: v for k, v in row.items() if k != "subscription"}
                                              for row in installments if row["subscription"] == subscription["id"]],
                                             money=("amount_cents",))
        subscription["payments"] = _rows([{k: v for k, v in row.items() if k != "subscription"}
                                          for row in payments if row["subscription"] == subscription["id"]],
                                         money=("amount_cents",))
    data["subscriptions"] = _rows(subscriptions, money=("price_cents", "total_cents"))
    data["absences"] = _rows(await Absence.select(
        Absence.distribution.held_on.as_alias("distribution_on"), Absence.distribution.group.name.as_alias("group"),
        Absence.choice, Absence.collector_name, Absence.declared_at, Absence.withdrawn_at,
    ).where(Absence.household.is_in(household_ids)).order_by(Absence.id))
    data["roster_signups"] = _rows(await Signup.select(
        Signup.slot.held_on.as_alias("held_on"), Signup.slot.group.name.as_alias("group"),
        Signup.slot.role.name.as_alias("role"), Signup.slot.task.title.as_alias("task"), Signup.status,
        Signup.signed_at, Signup.ended_at,
    ).where(Signup.household.is_in(household_ids)).order_by(Signup.id))
    orders = await Order.select(
        Order.id, Order.window.title.as_alias("window"), Order.window.farm.name.as_alias("farm"), Order.status,
        Order.placed_at, Order.total_cents,
    ).where(Order.household.is_in(household_ids)).order_by(Order.id)
    lines = await OrderLine.select(
        OrderLine.order, OrderLine.window_product.product.name.as_alias("product"),
        OrderLine.window_product.product.unit.as_alias("unit"), OrderLine.quantity, OrderLine.unit_price_cents,
        OrderLine.total_cents,
    ).where(OrderLine.order.is_in([row["id"] for row in orders] or [-1])).order_by(OrderLine.id)
    for order in orders:
        order["lines"] = _rows([{k: v for k, v in row.items() if k != "order"}
                                for row in lines if row["order"] == order["id"]],
                               money=("unit_price_cents", "total_cents"))
    data["orders"] = _rows(orders, money=("total_cents",))
    data["messages"] = _rows(await OutboxMessage.select(
        OutboxMessage.subject, OutboxMessage.kind, OutboxMessage.status, OutboxMessage.created_at,
        OutboxMessage.sent_at,
    ).where((OutboxMessage.user == user_id) | (OutboxMessage.to_address == user["email"])).order_by(OutboxMessage.id))
    data["opt_outs"] = _rows(await OptOut.select(OptOut.kind, OptOut.created_at).where(
        OptOut.user == user_id).order_by(OptOut.id))
    data["api_tokens"] = _rows(await ApiToken.select(
        ApiToken.name, ApiToken.created_at, ApiToken.last_used_at, ApiToken.revoked_at,
    ).where(ApiToken.user == user_id).order_by(ApiToken.id))
    return data


def _flatten(section: str, record: str, value: object, language: str) -> list[list[str]]:
    """One CSV line per field: (section, record, field, value); nested lists get their own section."""
    lines = []
    for field, cell in value.items():
        if isinstance(cell, list):
            for number, item in enumerate(cell, 1):
                if isinstance(item, dict):
                    lines += _flatten(f"{section}.{field}", f"{record}.{number}", item, language)
        elif isinstance(cell, dict):
            lines += _flatten(f"{section}.{field}", record, cell, language)
        elif field.endswith("_cents"):
            lines.append([section, record, field, "" if cell is None else str(cell)])
        elif f"{field}_cents" in value:  # the amount as a spreadsheet number, not "442,00 €"
            lines.append([section, record, field, euros(value[f"{field}_cents"] or 0, language)])
        else:
            lines.append([section, record, field, safe_text("" if cell is None else cell)])
    return lines


def personal_data_csv(data: dict, language: str) -> bytes:
    lines: list[list[str]] = []
    for section, content in data.items():
        if isinstance(content, list):
            for number, item in enumerate(content, 1):
                lines += _flatten(section, str(number), item, language)
        elif isinstance(content, dict):
            lines += _flatten(section, "1", content, language)
        else:
            lines.append([section, "1", section, safe_text(content)])
    return csv_file([_("Section"), _("Record"), _("Field"), _("Value")], lines, language)


def _attachment(body: bytes, media_type: str, extension: str) -> Response[bytes]:
    name = f"amap-my-data-{local_today().isoformat()}.{extension}"
    return Response(body, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


async def _end_sessions(user_id: int) -> None:
    """Delete the stored sessions logged in as this user (they are refused anyway once inactive)."""
    rows = await StoreEntry.select(StoreEntry.id, StoreEntry.value).where(StoreEntry.key.like(f"{SESSION_NAMESPACE}%"))
    stale = []
    for row in rows:
        try:
            session = json.loads(bytes(row["value"]))
        except ValueError:
            continue
        if isinstance(session, dict) and session.get(SESSION_USER_KEY) == user_id:
            stale.append(row["id"])
    if stale:
        await StoreEntry.delete().where(StoreEntry.id.is_in(stale))


async def delete_account(user_id: int) -> None:
    """Anonymise the account and forget what only served it; the farm's records stay, pointing to it."""
    async with write_transaction():
        user = await User.select(User.id, User.email, User.household).where(User.id == user_id).first()
        await User.update({
            User.name: f"Deleted account {user_id}", User.email: f"deleted-{user_id}@invalid", User.phone: "",
            User.password_hash: "", User.is_active: False, User.language: "",
        }).where(User.id == user_id)
        await ApiToken.delete().where(ApiToken.user == user_id)
        await CalendarToken.delete().where(CalendarToken.user == user_id)
        await PasswordResetToken.delete().where(PasswordResetToken.user == user_id)
        await Invitation.delete().where((Invitation.email == user["email"]) & Invitation.accepted_at.is_null())
        await OptOut.delete().where(OptOut.user == user_id)
        mine = (OutboxMessage.user == user_id) | (OutboxMessage.to_address == user["email"])
        await OutboxMessage.delete().where(mine & (OutboxMessage.status == "queued"))
        await OutboxMessage.update({OutboxMessage.to_address: f"deleted-{user_id}@invalid"}).where(mine)
        await Coordinator.update({Coordinator.ended_at: utcnow()}).where(
            (Coordinator.user == user_id) & Coordinator.ended_at.is_null())
        if user["household"] is not None and not await User.exists().where(
                (User.household == user["household"]) & (User.is_active == True)):  # noqa: E712
            await Household.update({Household.name: f"Deleted household {user['household']}"}).where(
                Household.id == user["household"])
        await _end_sessions(user_id)


def _confirmation(request: Request, action: str, person: dict, form: Form | None = None,
                  status_code: int = 200, back: str = "/profile") -> Template:
    return page(request, "accounts/delete_account.html", action=action, person=person, form=form or Form(),
                back=back, own=person["id"] == current(request).id, status_code=status_code)


def _typed_email_matches(form: Form, email: str) -> bool:
    if form.email() != email.lower():
        form.error("email", _("Type the account's e-mail address exactly, to confirm."))
    return form.ok


class PersonalDataController(Controller):
    path = "/profile"
    guards = [requires_login]

    @get("/data.json", name="personal_data_json")
    async def as_json(self, request: Request) -> Response[bytes]:
        data = await personal_data(current(request).id)
        body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
        return _attachment(body, "application/json; charset=utf-8", "json")

    @get("/data.csv", name="personal_data_csv")
    async def as_csv(self, request: Request) -> Response[bytes]:
        language = get_language()
        data = await personal_data(current(request).id)
        return _attachment(personal_data_csv(data, language), "text/csv; charset=utf-8", "csv")

    @get("/delete", name="delete_account")
    async def confirm(self, request: Request) -> Template:
        principal = current(request)
        return _confirmation(request, "/profile/delete", {"id": principal.id, "name": principal.name})

    @post("/delete")
    async def delete(self, request: Request) -> Template | Redirect:
        principal = current(request)
        form = Form(await form_data(request))
        if not _typed_email_matches(form, principal.email):
            return _confirmation(request, "/profile/delete", {"id": principal.id, "name": principal.name}, form,
                                 status_code=400)
        await delete_account(principal.id)
        request.session.clear()
        rotate_session_id(request.session)
        notice(request, _("Your account is deleted. Thank you for the seasons shared."))
        return see_other("/")


class CommitteeAccountController(Controller):
    """A coordinator deletes the account of an adult of a household of their group."""

    path = "/committee/{slug:str}/accounts/{user_id:int}/delete"
    guards = [requires_coordinator]

    async def _target(self, request: Request, slug: str, user_id: int) -> tuple[dict, dict]:
        group, _groups = await chosen_group(current(request), slug)
        user = await User.select(User.id, User.name, User.email, User.household, User.is_admin).where(
            (User.id == user_id) & (User.is_active == True)).first()  # noqa: E712
        ensure(user is not None and user["id"] != current(request).id and not user["is_admin"]
               and user["household"] is not None)
        ensure(await Membership.exists().where(
            (Membership.household == user["household"]) & (Membership.group == group["id"])))
        return group, user

    @get("", name="committee_delete_account")
    async def confirm(self, request: Request, slug: FromPath[str], user_id: FromPath[int]) -> Template:
        group, user = await self._target(request, slug, user_id)
        return _confirmation(request, f"/committee/{slug}/accounts/{user_id}/delete", user,
                             back=f"/committee?group={slug}")

    @post("")
    async def delete(self, request: Request, slug: FromPath[str], user_id: FromPath[int]) -> Template | Redirect:
        group, user = await self._target(request, slug, user_id)
        form = Form(await form_data(request))
        if not _typed_email_matches(form, user["email"]):
            return _confirmation(request, f"/committee/{slug}/accounts/{user_id}/delete", user, form,
                                 status_code=400, back=f"/committee?group={slug}")
        await delete_account(user_id)
        notice(request, _("The account of %(name)s is deleted.", name=user["name"]))
        return see_other(f"/committee?group={slug}")
