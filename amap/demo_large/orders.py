"""The large demo's short chain: the order producers' catalogs, the community kitchens, and two
network-wide order windows stopping at every group (one closed with its orders locked, one open),
their orders planned first so that each product's reservation is the sum of its lines."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta

from amap.demo_large.bulk import insert, insert_ids
from amap.demo_large.data import ORDER_PRODUCERS
from amap.demo_large.world import World, at
from amap.distributions.tables import Distribution
from amap.orders.tables import BulkBuyer, Order, OrderLine, OrderWindow, Product, WindowProduct, WindowStop

KITCHEN_FACTOR = 6  # a community kitchen orders for many


def parts(producer: int, transport: int, network: int) -> str:
    return json.dumps([{"category": "producer", "label": "travail et intrants de la ferme", "cents": producer},
                       {"category": "transport", "label": "tournée de livraison", "cents": transport},
                       {"category": "network", "label": "fonctionnement du réseau", "cents": network}])


async def load_orders(world: World) -> None:
    rng, today = world.rng, world.today
    producers = [farm for farm in world.farms if farm.kind == "orders"]
    catalogs = [ORDER_PRODUCERS[number][2] for number in range(len(producers))]
    product_ids = await insert_ids(Product, [
        Product(farm=farm.id, name=name, unit=unit, price_cents=price, vat_rate_bp=vat, packaging=packaging,
                min_quantity=minimum, price_parts=parts(*split))
        for farm, catalog in zip(producers, catalogs, strict=True)
        for name, unit, price, split, packaging, minimum, vat, _ in catalog])
    await insert(BulkBuyer, [BulkBuyer(household=household, kind="kitchen", network=world.network,
                                       contact="Repas solidaires du midi, 80 couverts")
                             for _, household, _ in world.kitchens])

    # Open until the end of the week: honey and juice; closed three days ago: lamb boxes.
    windows = [(producers[0], catalogs[0], "Miel et jus de pomme pour les fêtes", today - timedelta(days=2),
                today + timedelta(days=5), False),
               (producers[1], catalogs[1], "Colis d'agneau et fromages de brebis", today - timedelta(days=10),
                today - timedelta(days=3), True)]
    window_ids = await insert_ids(OrderWindow, [
        OrderWindow(farm=farm.id, title=title, description="Livré à la distribution qui suit la clôture.",
                    network=world.network, opens_at=at(opens, 8), closes_at=at(closes, 20), published_at=at(opens, 8),
                    closed_at=at(closes, 21) if closed else None, created_by=farm.farmer, created_at=at(opens, 7))
        for farm, _, title, opens, closes, closed in windows])
    first_product = {producers[0].id: 0, producers[1].id: len(catalogs[0])}

    coming: dict[int, list[tuple]] = defaultdict(list)
    for row in await Distribution.select(Distribution.id, Distribution.group, Distribution.held_on).where(
            Distribution.group.is_in([info.id for info in world.groups]) & (Distribution.status == "planned")
    ).order_by(Distribution.held_on):
        coming[row["group"]].append((row["held_on"], row["id"]))
    kitchens = {household for _, household, _ in world.kitchens}
    buyers = [(user, household, info.index) for info in world.groups for user, household in info.homes]
    targets = [world.scale.order_lines - world.scale.order_lines // 2, world.scale.order_lines // 2]

    stops, orders, lines, products = [], [], [], []
    for (farm, catalog, _, opens, closes, closed), window_id, target in zip(windows, window_ids, targets, strict=True):
        for g, info in enumerate(world.groups):
            distribution = next((d for day, d in coming[info.id] if day > closes), None)
            stops.append(WindowStop(window=window_id, group=info.id, distribution=distribution, position=g + 1,
                                    arrives_at=f"{16 + g // 6:02d}:{g % 6 * 10:02d}"))
        reserved = [0] * len(catalog)
        placed = 0
        opened, last = at(opens, 8), min(at(closes, 20), world.now)
        for user, household, g in rng.sample(buyers, len(buyers)):
            if placed >= target:
                break
            count = min(rng.choice([1, 2, 2, 3, 3, 4]), target - placed)
            factor = KITCHEN_FACTOR if household in kitchens else 1
            order_lines = []
            for index in sorted(rng.sample(range(len(catalog)), min(count, len(catalog)))):
                name, _, price, _, packaging, minimum, _, stock = catalog[index]
                quantity = max(minimum, packaging * rng.choice([1, 1, 1, 2, 3]) * factor)
                if stock is not None and reserved[index] + quantity > stock:
                    continue  # sold out for this household
                reserved[index] += quantity
                order_lines.append((index, quantity, price))
            if not order_lines:
                continue
            placed += len(order_lines)
            placed_at = opened + (last - opened) * rng.random()
            orders.append((window_id, len(stops) - len(world.groups) + g, household, user, placed_at,
                           at(closes, 21) if closed else None))
            lines.append(order_lines)
        products += [WindowProduct(window=window_id, product=product_ids[first_product[farm.id] + index],
                                   price_cents=item[2], price_parts=parts(*item[3]), stock=item[7],
                                   reserved=reserved[index])
                     for index, item in enumerate(catalog)]
    stop_ids = await insert_ids(WindowStop, stops)
    window_product_ids = await insert_ids(WindowProduct, products)
    order_ids = await insert_ids(Order, [
        Order(window=window_id, stop=stop_ids[stop], household=household, placed_by=user,
              total_cents=sum(quantity * price for _, quantity, price in order_lines),
              status="open" if closed_at is None else "locked", placed_at=placed_at, updated_at=closed_at or placed_at)
        for (window_id, stop, household, user, placed_at, closed_at), order_lines in zip(orders, lines, strict=True)])
    first_window_product = {window_ids[0]: 0, window_ids[1]: len(catalogs[0])}
    await insert(OrderLine, [
        OrderLine(order=order_id, window_product=window_product_ids[first_window_product[order[0]] + index],
                  quantity=quantity, unit_price_cents=price, total_cents=quantity * price)
        for order, order_id, order_lines in zip(orders, order_ids, lines, strict=True)
        for index, quantity, price in order_lines])
