"""Reading the forms that define an offer: its terms, calendar, shares, payment plans."""

from __future__ import annotations

from datetime import date

from amap.contracts import schedule
from amap.contracts.lifecycle import MAX_QUANTITY
from amap.contracts.offers import FREQUENCIES, MISSED_DELIVERY_RULES, NATURES, PAYMENT_METHODS
from amap.lib.dates import format_date
from amap.lib.forms import Form
from amap.lib.i18n import _, get_language

EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
LONGEST_SEASON_DAYS = 2 * 366
MAX_PRICE_CENTS = 100_000  # per delivery and unit
MAX_CAPACITY = 10_000
TERM_FIELDS = ("name", "starts_on", "ends_on", "signup_opens_on", "signup_closes_on", "nature",
               "min_quantity_per_delivery", "min_quantity_per_season", "missed_delivery_rule", "shifts_allowed",
               "charter")


def day(form: Form, name: str, missing: str | None = None) -> date | None:
    """A date between 2000 and 2099; `missing` says what to enter when the field is empty."""
    if missing and not form.get(name):
        form.error(name, missing)
        return None
    value = form.date(name)
    if value is not None and not EARLIEST <= value <= LATEST:
        form.error(name, _("Enter a date between 2000 and 2099."))
        return None
    return value


def euros(form: Form, name: str, *, required: bool = True) -> int | None:
    """A price per delivery typed like 17,50 or 17.50, in cents."""
    return form.price(name, maximum_cents=MAX_PRICE_CENTS, required=required)


def terms_form(offer: dict) -> Form:
    """The form prefilled with what the offer says now."""
    return Form({key: offer[key].isoformat() if isinstance(offer[key], date) else str(offer[key])
                 for key in TERM_FIELDS})


def read_terms(form: Form) -> dict:
    """The Offer columns a farmer sets: name, season, sign-up window, nature, rule, charter."""
    terms = {
        "name": form.text("name"),
        "starts_on": day(form, "starts_on", _("Enter the first day of the season.")),
        "ends_on": day(form, "ends_on", _("Enter the last day of the season.")),
        "signup_opens_on": day(form, "signup_opens_on", _("Enter the day sign-ups open.")),
        "signup_closes_on": day(form, "signup_closes_on", _("Enter the day sign-ups close.")),
        "nature": form.choice("nature", NATURES),
        "min_quantity_per_delivery": 0,
        "min_quantity_per_season": 0,
        "missed_delivery_rule": form.choice("missed_delivery_rule", MISSED_DELIVERY_RULES),
        "shifts_allowed": form.integer("shifts_allowed", minimum=0, maximum=52) if form.get("shifts_allowed") else 0,
        "charter": form.text("charter", max_length=20_000),
    }
    if terms["nature"] == "variable":
        # Left empty, a minimum is none at all.
        for name, most in (("min_quantity_per_delivery", MAX_QUANTITY), ("min_quantity_per_season", 1000)):
            terms[name] = form.integer(name, minimum=0, maximum=most) if form.get(name) else 0
    starts, ends = terms["starts_on"], terms["ends_on"]
    opens, closes = terms["signup_opens_on"], terms["signup_closes_on"]
    if starts and ends:
        if ends <= starts:
            form.error("ends_on", _("The end must come after the start."))
        elif (ends - starts).days > LONGEST_SEASON_DAYS:
            form.error("ends_on", _("A season lasts at most two years."))
    if opens and closes and closes < opens:
        form.error("signup_closes_on", _("Sign-ups must close after they open."))
    elif closes and ends and closes > ends:
        form.error("signup_closes_on", _("Sign-ups must close by the end of the season."))
    return terms


def read_rhythm(form: Form, starts_on: date | None, ends_on: date | None) -> list[date]:
    """The delivery days generated from a weekday and a frequency between the season's dates."""
    weekday = form.integer("weekday", minimum=0, maximum=6)
    frequency = form.choice("frequency", FREQUENCIES)
    if not form.ok or starts_on is None or ends_on is None:
        return []
    days = schedule.delivery_dates(starts_on, ends_on, weekday, frequency)
    if not days:
        form.error("weekday", _("No such day falls between the start and the end of the season."))
    return days


def read_delivery(form: Form, offer: dict, taken: set[date]) -> date | None:
    value = day(form, "delivers_on", _("Enter the day of the delivery to add."))
    if value is None:
        return None
    if not offer["starts_on"] <= value <= offer["ends_on"]:
        language = get_language()
        form.error("delivers_on", _("Choose a day within the season, from %(start)s to %(end)s.",
                                    start=format_date(offer["starts_on"], language),
                                    end=format_date(offer["ends_on"], language)))
    elif value in taken:
        form.error("delivers_on", _("There is already a delivery on this day."))
    return value


def read_share(form: Form, share_types: list[dict], offered: set[int]) -> dict:
    """A share type of the farm, its places and its price per tier (reduced and solidarity optional)."""
    share_type = form.choice("share_type", [str(row["id"]) for row in share_types])
    if form.ok and int(share_type) in offered:
        form.error("share_type", _("This share is already offered: withdraw it first to change it."))
    share = {
        "share_type_id": int(share_type) if share_type.isdigit() else None,
        "capacity": form.integer("capacity", minimum=1, maximum=MAX_CAPACITY),
        "prices": {},
    }
    for tier in ("reduced", "standard", "solidarity"):
        cents = euros(form, f"price_{tier}", required=tier == "standard")
        if cents is not None:
            share["prices"][tier] = cents
    prices = share["prices"]
    if "standard" in prices:
        if prices.get("reduced", 0) >= prices["standard"]:
            form.error("price_reduced", _("The reduced price must be below the standard price."))
        if prices.get("solidarity", prices["standard"] + 1) <= prices["standard"]:
            form.error("price_solidarity", _("The solidarity price must be above the standard price."))
    return share


def read_plan(form: Form, offer: dict, group_name: str) -> dict:
    plan = {
        "installments": form.integer("installments", minimum=1, maximum=12),
        "first_due_on": day(form, "first_due_on", _("Enter the day the first payment is due.")),
        "method": form.choice("method", PAYMENT_METHODS),
        "payee": form.text("payee"),
    }
    if plan["first_due_on"] and plan["first_due_on"] > offer["ends_on"]:
        form.error("first_due_on", _("The first payment must be due by the end of the season."))
    if plan["payee"] and plan["payee"].casefold() == group_name.casefold():
        form.error("payee", _("Members pay the farm directly: the association never holds the money."))
    return plan
