"""Reading and checking submitted forms: values kept as typed, one message per bad field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, time

from amap.lib.i18n import _, get_language
from amap.lib.money import format_cents, parse_euros
from amap.lib.security import MIN_PASSWORD_LENGTH

# Deliberately loose: the only real check of an address is a mail that arrives.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Form:
    """Wraps submitted values; each accessor returns the clean value or records an error."""

    def __init__(self, data: Mapping[str, str] | None = None, *, id_prefix: str = "") -> None:
        self.id_prefix = id_prefix
        """Put before each field's id (and its hint's, its message's) when one page holds several forms
        with the same field names (macros/forms.html): ids must stay unique for labels and the error links."""
        self.raw: dict[str, str] = dict(data or {})
        """As submitted: passwords are never stripped."""
        self.values: dict[str, str] = {}
        for key, value in self.raw.items():
            self.values[key] = value.strip() if isinstance(value, str) else value
        self.errors: dict[str, str] = {}

    @property
    def ok(self) -> bool:
        return not self.errors

    def get(self, name: str, default: str = "") -> str:
        value = self.values.get(name, default)
        return value if isinstance(value, str) else default

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(self, name: str, *, required: bool = True, max_length: int = 200) -> str:
        value = self.get(name)
        if required and not value:
            self.error(name, _("This field is required."))
        elif len(value) > max_length:
            self.error(name, _("At most %(max)s characters.", max=max_length))
        return value

    def email(self, name: str = "email", *, required: bool = True) -> str:
        value = self.get(name).lower()
        if not value:
            if required:
                self.error(name, _("Enter an e-mail address."))
        elif len(value) > 254 or not EMAIL_RE.match(value):
            self.error(name, _("Enter an e-mail address like name@example.org."))
        return value

    def slug(self, name: str = "slug") -> str:
        value = self.get(name).lower()
        if not value:
            self.error(name, _("This field is required."))
        elif len(value) > 80 or not SLUG_RE.match(value):
            self.error(name, _("Use lowercase letters, digits and hyphens only, like amap-des-lilas."))
        return value

    def choice(self, name: str, choices: Iterable[str], *, required: bool = True) -> str:
        value = self.get(name)
        if not value and not required:
            return value
        if value not in set(choices):
            self.error(name, _("Choose one of the options."))
        return value

    def integer(self, name: str, *, minimum: int, maximum: int) -> int | None:
        value = self.get(name)
        try:
            number = int(value)
        except ValueError:
            self.error(name, _("Enter a whole number."))
            return None
        if not minimum <= number <= maximum:
            self.error(name, _("Enter a number between %(min)s and %(max)s.", min=minimum, max=maximum))
            return None
        return number

    def time(self, name: str) -> time | None:
        value = self.get(name)
        try:
            return time.fromisoformat(value) if value else self._missing(name)
        except ValueError:
            self.error(name, _("Enter a time like 18:30."))
            return None

    def date(self, name: str, *, required: bool = True) -> date | None:
        """A date from an <input type="date"> (YYYY-MM-DD)."""
        value = self.get(name)
        if not value:
            return self._missing(name) if required else None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(name, _("Enter a date like 2027-04-01."))
            return None

    def checkbox(self, name: str) -> bool:
        return self.get(name) in {"on", "true", "1", "yes"}

    def euros(self, name: str, *, required: bool = True, minimum_cents: int = 0) -> int | None:
        """An amount typed as 12,50 or 12.50, in cents."""
        value = self.get(name)
        if not value:
            return self._missing(name) if required else 0
        try:
            cents = parse_euros(value)
        except ValueError:
            self.error(name, _("Enter an amount in euros, like 20 or 12,50."))
            return None
        if cents < minimum_cents:
            self.error(name, _("Enter an amount of at least %(min)s.", min=format_cents(minimum_cents, get_language())))
            return None
        return cents

    def price(self, name: str, *, maximum_cents: int, required: bool = True) -> int | None:
        """A price above zero typed as 12,50, in cents; above `maximum_cents` is a typing slip."""
        value = self.get(name)
        if not value:
            if required:
                self.error(name, _("Enter a price like 12,50."))
            return None
        try:
            cents = parse_euros(value)
        except ValueError:
            self.error(name, _("Enter a price like 12,50."))
            return None
        if not 1 <= cents <= maximum_cents:
            self.error(name, _("Enter a price above zero and at most %(max)s.",
                               max=format_cents(maximum_cents, get_language())))
            return None
        return cents

    def correction_amount(self, name: str, *, maximum_cents: int) -> int | None:
        """An amount other than zero, typed as 12,50; negative to correct a mistake recorded before."""
        try:
            amount = parse_euros(self.get(name))
        except ValueError:
            self.error(name, _("Enter an amount in euros, like 12,50."))
            return None
        if amount == 0:
            self.error(name, _("Enter an amount other than zero."))
            return None
        if abs(amount) > maximum_cents:
            self.error(name, _("Enter an amount of at most %(max)s.", max=format_cents(maximum_cents, get_language())))
            return None
        return amount

    def password(self, name: str = "password") -> str:
        value = self.raw.get(name, "")
        return value if isinstance(value, str) else ""

    def new_password(self, name: str = "password", confirm: str = "password_confirm") -> str:
        value = self.password(name)
        if len(value) < MIN_PASSWORD_LENGTH:
            self.error(name, _("Choose a password of at least %(min)s characters.", min=MIN_PASSWORD_LENGTH))
        elif len(value) > 1000:
            self.error(name, _("At most %(max)s characters.", max=1000))
        elif confirm and value != self.password(confirm):
            self.error(confirm, _("The two passwords are different."))
        return value

    def _missing(self, name: str) -> None:
        self.error(name, _("This field is required."))
        return None
