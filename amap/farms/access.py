"""Which farms a principal acts for (404 for the others)."""

from __future__ import annotations

from amap.farms.tables import Farm
from amap.lib.access import Principal, ensure
from amap.lib.prepared import prepared

# Read on every view of the farm's pages: their SQL is written once (amap.lib.prepared).
_ALL_FARMS = prepared(lambda: Farm.select().order_by(Farm.name))
_FARMS = prepared(lambda ids: Farm.select().where(Farm.id.is_in(ids)).order_by(Farm.name))
_FARM = prepared(lambda slug: Farm.select().where(Farm.slug == slug).first())


async def my_farms(principal: Principal) -> list[dict]:
    if principal.is_admin:
        return await _ALL_FARMS()
    return await _FARMS(ids=sorted(principal.farms) or [-1])


async def chosen_farm(principal: Principal, farms: list[dict], slug: str | None) -> dict:
    """The farm asked for by slug, else the first of the principal's farms."""
    if slug is None:
        ensure(bool(farms))
        return farms[0]
    farm = await _FARM(slug=slug)
    ensure(farm is not None and principal.runs_farm(farm["id"]))
    return farm
