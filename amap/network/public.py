"""Public pages of the directory: a network (`/networks/{slug}`) and a producer (`/producers/{slug}`)."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from amap.lib.access import ensure
from amap.lib.web import page
from amap.network import directory
from amap.network.members import GROUP_KINDS


class NetworkPublicController(Controller):
    @get("/networks/{slug:str}", name="network_page")
    async def network(self, request: Request, slug: FromPath[str]) -> Template:
        network = await directory.network_by_slug(slug)
        ensure(network is not None)
        return page(request, "network/public.html", network=network, kinds=GROUP_KINDS,
                    **await directory.network_directory(network))

    @get("/producers/{slug:str}", name="producer_page")
    async def producer(self, request: Request, slug: FromPath[str]) -> Template:
        profile = await directory.producer_profile(slug)
        ensure(profile is not None)
        return page(request, "farms/public.html", **profile)
