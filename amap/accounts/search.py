"""Finding households by a household's name or an adult's name or e-mail (a list's search box)."""

from __future__ import annotations

from piccolo.columns import Column
from piccolo.columns.combination import Or
from piccolo.query.methods.select import Select

from amap.accounts.tables import Household, User
from amap.lib.pagination import contains


def household_matches(column: Column, term: str, among: Select) -> Or:
    """`column` (a household id) names a household of `among` (a select of household ids) whose name,
    or the name or e-mail of one of its active adults, holds `term` (case and accents aside)."""
    by_name = Household.select(Household.id).where(Household.id.is_in(among) & contains(Household.name, term))
    by_adult = User.select(User.household).where(
        User.household.is_in(among) & (User.is_active == True)  # noqa: E712
        & (contains(User.name, term) | contains(User.email, term)))
    return column.is_in(by_name) | column.is_in(by_adult)
