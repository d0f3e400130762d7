"""`/network/sheets/{day}`: the sign-off sheets of every member group distributing that day, printed in
one go by the network coordinator, one group a page, in the sheet's own print layout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jinja2_fragments import render_block
from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from markupsafe import Markup

from amap.distributions.absences import distribution_columns
from amap.distributions.sheet import TEMPLATE, Sheet, read_sheet, sheet_words
from amap.distributions.tables import Distribution
from amap.lib.access import current, requires_network_coordinator
from amap.lib.web import page
from amap.network import members
from amap.network.controllers import coordinated_network


@dataclass
class GroupSheet:
    distribution: dict
    sheet: Sheet
    lines_html: Markup = Markup()  # the sheet's `sheet_lines` block, rendered for print


async def day_sheets(network_id: int, day: date) -> tuple[list[GroupSheet], list[dict]]:
    """The sheets of the member groups distributing on `day`, by group name, and the distributions
    of that day that are cancelled (nothing to print for them)."""
    group_ids = await members.group_ids(network_id)
    rows = await Distribution.select(*distribution_columns()).where(
        Distribution.group.is_in(group_ids or [-1]) & (Distribution.held_on == day)
    ).order_by(Distribution.group.name).order_by(Distribution.starts_at).order_by(Distribution.id)
    sheets = [GroupSheet(row, await read_sheet(row)) for row in rows if row["status"] != "cancelled"]
    return sheets, [row for row in rows if row["status"] == "cancelled"]


class NetworkSheetsController(Controller):
    path = "/network/sheets"
    guards = [requires_network_coordinator]

    @get("/{day:date}", name="network_sheets")
    async def sheets(self, request: Request, day: FromPath[date], network: FromQuery[str | None] = None) -> Template:
        """Only the network's member groups: `coordinated_network` refuses a network the person does
        not coordinate (an admin sees any)."""
        chosen, networks = await coordinated_network(current(request), network)
        sheets, cancelled = await day_sheets(chosen["id"], day)
        environment = request.app.template_engine.engine
        words = sheet_words()
        for item in sheets:
            # The very lines of the live sheet (distributions/sheet.html), without their tick forms.
            item.lines_html = Markup(render_block(
                environment, TEMPLATE, "sheet_lines", distribution=item.distribution, lines=item.sheet.lines,
                words=words, printed=True, q="", oob=False))
        return page(request, "network/sheets.html", network=chosen, networks=networks, day=day, sheets=sheets,
                    cancelled=cancelled)
