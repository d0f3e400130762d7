"""The calibration page: what the stack itself costs on this machine, to read every other figure against.

A bare Litestar app (none of amap's middleware, sessions or guards) with one handler that runs three
trivial Piccolo queries on the measured database and renders a small Jinja template. Served by
uvicorn exactly as `amap serve` serves amap (same workers, same log level):

    uvicorn tests.perf.calibration:create_app --factory --workers N
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from jinja2 import DictLoader, Environment, select_autoescape
from litestar import Litestar, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from amap.farms.tables import Farm
from amap.groups.tables import Group
from amap.lib import db
from amap.network.tables import Network

PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main>
<h1>{{ title }}</h1>
<p>{{ groups }} groups, {{ farms }} farms{% if network %}, network {{ network.name }}{% endif %}.</p>
<ul>{% for n in range(10) %}<li>Line {{ n }} of {{ title }}</li>{% endfor %}</ul>
</main></body></html>
"""


@get("/calibration")
async def calibration() -> Template:
    groups = await Group.count()
    farms = await Farm.count()
    network = await Network.select(Network.name).order_by(Network.id).first()
    return Template("page.html", context={"title": "Calibration", "groups": groups, "farms": farms,
                                          "network": network})


@get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@asynccontextmanager
async def pool(_: Litestar) -> AsyncIterator[None]:
    await db.start_pool()
    try:
        yield
    finally:
        await db.close_pool()


def create_app() -> Litestar:
    environment = Environment(loader=DictLoader({"page.html": PAGE}), autoescape=select_autoescape())
    return Litestar(route_handlers=[calibration, healthz], lifespan=[pool],
                    template_config=TemplateConfig(engine=JinjaTemplateEngine(engine_instance=environment)))
