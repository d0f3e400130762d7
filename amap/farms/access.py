"""Which farms a principal acts for (404 for the others)."""

from __future__ import annotations

from amap.farms.tables import Farm
from amap.lib.access import Principal, ensure


async def my_farms(principal: Principal) -> list[dict]:
    query = Farm.select().order_by(Farm.name)
    if not principal.is_admin:
        query = query.where(Farm.id.is_in(list(principal.farms) or [-1]))
    return await query


async def chosen_farm(principal: Principal, farms: list[dict], slug: str | None) -> dict:
    """The farm asked for by slug, else the first of the principal's farms."""
    if slug is None:
        ensure(bool(farms))
        return farms[0]
    farm = await Farm.select().where(Farm.slug == slug).first()
    ensure(farm is not None and principal.runs_farm(farm["id"]))
    return farm
