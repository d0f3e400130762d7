"""`/committee/{slug}/exports`: the group's data as spreadsheets, each list in CSV or XLSX; and
`/farm/windows/{id}/orders.csv|.xlsx`: a window's orders for its producer."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Response, Template

from amap.exports import writers
from amap.exports.datasets import DATASETS, window_orders
from amap.groups.committee import chosen_group
from amap.lib.access import current, ensure, requires_coordinator, requires_farmer
from amap.lib.dates import local_today
from amap.lib.web import page
from amap.orders import windows


class GroupExportsController(Controller):
    path = "/committee/{slug:str}/exports"
    guards = [requires_coordinator]

    @get("", name="committee_exports")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        """Each list with its number of lines, counted by the database (the download builds it)."""
        group, _groups = await chosen_group(current(request), slug)
        datasets = [{"name": dataset.name, "title": dataset.title, "description": dataset.description,
                     "rows": await dataset.count(group)} for dataset in DATASETS.values()]
        return page(request, "exports/index.html", group=group, datasets=datasets, formats=list(writers.MEDIA_TYPES))

    @get("/{export:str}", name="committee_export")
    async def download(self, request: Request, slug: FromPath[str], export: FromPath[str]) -> Response[bytes]:
        """`members.csv`, `roster.xlsx`…: an unknown list or format does not exist (404)."""
        group, _groups = await chosen_group(current(request), slug)
        name, _dot, extension = export.partition(".")
        ensure(name in DATASETS and extension in writers.MEDIA_TYPES)
        sheet = await DATASETS[name].build(group, local_today(group["timezone"]))
        return await writers.download(sheet, extension, writers.filename(group["name"], name, extension))


class WindowOrdersExportController(Controller):
    path = "/farm/windows/{window_id:int}"
    guards = [requires_farmer]

    @get(["/orders.csv", "/orders.xlsx"], name="farm_window_orders_export")
    async def download(self, request: Request, window_id: FromPath[int]) -> Response[bytes]:
        window = await windows.owned_window(current(request), window_id)
        sheet = await window_orders(window, await windows.farm_timezone(window["farm"]))
        extension = request.url.path.rsplit(".", 1)[-1]
        return await writers.download(sheet, extension, writers.filename(window["title"], "orders", extension))
