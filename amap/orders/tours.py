"""A producer's delivery tour for one date: every stop of every window delivered that day, in
tour order, with what to unload at each and what to load in the van.

A window has its own tour sheet; a producer with two windows delivered the same day (lamb boxes
and cheese, say) drives one tour, so the stops of the same group and distribution are merged.
"""

from __future__ import annotations

from datetime import date

from amap.orders.figures import window_figures
from amap.orders.tables import WindowStop


async def delivery_dates(farm_id: int, since: date) -> list[date]:
    """The coming dates the farm delivers orders on (published windows only)."""
    rows = await WindowStop.select(WindowStop.distribution.held_on.as_alias("held_on")).where(
        (WindowStop.window.farm == farm_id) & WindowStop.window.published_at.is_not_null()
        & (WindowStop.distribution.held_on >= since))
    return sorted({row["held_on"] for row in rows if row["held_on"]})


def _merge_products(into: dict[tuple[str, str], dict], products: list[dict]) -> None:
    for product in products:
        if not product["quantity"]:
            continue
        item = into.setdefault((product["name"], product["unit"]), {
            "name": product["name"], "unit": product["unit"], "quantity": 0, "total_cents": 0})
        item["quantity"] += product["quantity"]
        item["total_cents"] += product["total_cents"]


def _sorted(products: dict[tuple[str, str], dict]) -> list[dict]:
    return sorted(products.values(), key=lambda p: (p["name"].casefold(), p["unit"]))


async def day_tour(farm_id: int, day: date) -> dict:
    """Stops (merged per group: one distribution a day) in tour order, each with its products, and the load."""
    window_ids = sorted({row["window"] for row in await WindowStop.select(WindowStop.window).where(
        (WindowStop.window.farm == farm_id) & WindowStop.window.published_at.is_not_null()
        & (WindowStop.distribution.held_on == day))})
    stops: dict[tuple[int, date], dict] = {}
    load: dict[tuple[str, str], dict] = {}
    every_window = await window_figures(window_ids)
    for window_id in window_ids:
        for stop in every_window[window_id]["stops"]:
            if stop["held_on"] != day:
                continue
            merged = stops.setdefault((stop["group"], stop["held_on"]), {
                **{key: stop[key] for key in ("group_name", "place_name", "place_address", "held_on", "starts_at",
                                              "ends_at", "position", "arrives_at")},
                "orders": 0, "products_by_key": {}})
            merged["position"] = min(merged["position"], stop["position"])
            if stop["arrives_at"] and (not merged["arrives_at"] or stop["arrives_at"] < merged["arrives_at"]):
                merged["arrives_at"] = stop["arrives_at"]
            merged["orders"] += stop["orders"]
            _merge_products(merged["products_by_key"], stop["products"])
            _merge_products(load, stop["products"])
    # Positions are numbered per window; across windows the planned arrival times set the order.
    ordered = sorted(stops.values(), key=lambda s: (s["arrives_at"] or "99:99", s["position"], s["group_name"]))
    for stop in ordered:
        stop["products"] = _sorted(stop.pop("products_by_key"))
    return {"stops": ordered, "products": _sorted(load), "windows": len(window_ids)}
