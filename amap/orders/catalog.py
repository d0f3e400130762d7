"""A producer's catalog: products, their fair-price composition (amap.lib.price_parts), archiving.

A product is never deleted once a window offered it: windows and orders name it. Archiving
takes it out of new windows and keeps it for history.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from amap.lib import price_parts
from amap.lib.access import Principal, ensure
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.numbers import decimal_text
from amap.orders.tables import Product, WindowProduct

MAX_PRICE_CENTS = 1_000_000  # 10,000 euros a unit: anything above is a typing slip
MAX_QUANTITY = 10_000
_PERCENT = re.compile(r"^\d{1,2}([.,]\d{1,2})?$")


def euros_text(cents: int) -> str:
    """Cents as a person types them back into a field: 12,50 in French, Spanish or Portuguese, 12.50 in English."""
    text = f"{cents // 100}.{cents % 100:02d}" if cents >= 0 else f"-{euros_text(-cents)}"
    return decimal_text(text)


def price(form: Form, name: str) -> int | None:
    """A unit price above zero, typed like 12,50."""
    return form.price(name, maximum_cents=MAX_PRICE_CENTS)


def vat_basis_points(form: Form, name: str = "vat") -> int | None:
    """An optional VAT rate typed in percent (5,5 or 20), in basis points (550, 2000)."""
    value = form.get(name).removesuffix("%").strip()
    if not value:
        return None
    if not _PERCENT.match(value):
        form.error(name, _("Enter a VAT rate in percent, like 5,5 or 20."))
        return None
    return int(Decimal(value.replace(",", ".")) * 100)


def read_product(form: Form) -> dict:
    """The Product columns a farmer sets, checked field by field in the order of the form."""
    values = {
        "name": form.text("name"),
        "description": form.text("description", required=False, max_length=2000),
        "unit": form.text("unit", max_length=60),
        "price_cents": price(form, "price"),
        "vat_rate_bp": vat_basis_points(form),
        "packaging": form.integer("packaging", minimum=1, maximum=MAX_QUANTITY) if form.get("packaging") else 1,
        "min_quantity": (form.integer("min_quantity", minimum=1, maximum=MAX_QUANTITY)
                         if form.get("min_quantity") else None),
    }
    packaging = values["packaging"] or 1
    if values["min_quantity"] is None and "min_quantity" not in form.errors:
        values["min_quantity"] = packaging  # one case is the natural smallest order
    elif values["min_quantity"] and values["min_quantity"] % packaging:
        form.error("min_quantity", _("Sold by %(num)s, the smallest order must be a multiple of %(num)s.",
                                     num=packaging))
    values["price_parts"] = price_parts.read_lines(form, "price_parts", price_cents=values["price_cents"])
    return values


def product_form(product: dict) -> Form:
    """The form filled with what the product says now."""
    values = {
        "name": product["name"], "description": product["description"], "unit": product["unit"],
        "price": euros_text(product["price_cents"]), "packaging": str(product["packaging"]),
        "min_quantity": str(product["min_quantity"]),
        "vat": "" if product["vat_rate_bp"] is None else percent_text(product["vat_rate_bp"]),
    }
    values["price_parts"] = price_parts.as_lines(price_parts.parse(product["price_parts"]))
    return Form(values)


def percent_text(basis_points: int) -> str:
    """550 -> 5,5 (a decimal-comma locale) or 5.5; 2000 -> 20."""
    text = f"{basis_points // 100}.{basis_points % 100:02d}".rstrip("0").rstrip(".")
    return decimal_text(text)


async def farm_products(farm_id: int, *, archived: bool = False) -> list[dict]:
    """The farm's products by name; the archived ones only when asked."""
    where = (Product.farm == farm_id) & (Product.archived_at.is_not_null() if archived
                                         else Product.archived_at.is_null())
    rows = await Product.select().where(where).output(load_json=True)
    for row in rows:
        row["price_parts"] = price_parts.parse(row["price_parts"])
        row["vat_percent"] = "" if row["vat_rate_bp"] is None else percent_text(row["vat_rate_bp"])
    return sorted(rows, key=lambda row: (row["name"].casefold(), row["id"]))


async def owned_product(principal: Principal, product_id: int) -> dict:
    """The product with its farm's slug; 404 unless the principal runs its farm."""
    row = await Product.select(Product.all_columns(), Product.farm.slug.as_alias("farm_slug"),
                               Product.farm.name.as_alias("farm_name")).where(
        Product.id == product_id).output(load_json=True).first()
    ensure(row is not None and principal.runs_farm(row["farm"]))
    return row


async def create_product(farm_id: int, values: dict) -> int:
    rows = await Product.insert(Product(farm=farm_id, **values)).returning(Product.id)
    return rows[0]["id"]


async def update_product(product_id: int, values: dict) -> None:
    """Windows keep the price and composition they were made with: editing changes new windows only."""
    await Product.update(values).where(Product.id == product_id)


async def set_archived(product_id: int, at: datetime | None) -> None:
    await Product.update({Product.archived_at: at}).where(Product.id == product_id)


async def delete_product(product_id: int) -> bool:
    """Delete a product no window ever offered; False (nothing deleted) when one did."""
    if await WindowProduct.exists().where(WindowProduct.product == product_id):
        return False
    await Product.delete().where(Product.id == product_id)
    return True
