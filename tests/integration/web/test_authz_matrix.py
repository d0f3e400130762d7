"""The authorization matrix: every GET route of the app, for an anonymous visitor and each role,
the exact expected status; and every unsafe route refused to those who may not use it.

The routes are read from the app itself, so a new route fails `test_the_table_covers_exactly_the_
apps_routes` until it is classified here. The table is the documentation of who may do what:

- 200: may open it; 303: the anonymous visitor is sent to /login (pages); 401: no token (API);
- 403: logged in, but without the role the page needs (a route guard);
- 404: the object belongs to a group, farm or person they have no part in (`ensure()`), or the
  role has no such object at all (a farmer's page for someone without a farm picks none).

Path parameters are real objects of the world (tests/world.py) built in `objects()`: the Tilleuls'
vegetable offer with Alice's subscription, its distributions and deliveries, a remittance slip, a
roster slot, Dan's order window with Alice's order, a committee outbox message. The Canal gets the
same objects (Fanny's offer with Erin's subscription, Fanny's window, the Canal's committee
message) for `OTHER_GROUP`: the same routes with the Canal's ids, which must all be 404 (or the
role's 403) for the Tilleuls' member, coordinator and farmer.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date

import httpx
import pytest
import time_machine
from litestar import Litestar

from amap.accounts.services import create_api_token
from amap.contracts import lifecycle
from amap.distributions.calendar import sync_group
from amap.distributions.tables import Delivery, Distribution
from amap.groups.tables import Place
from amap.home.feed import replace_token
from amap.notifications.tables import OutboxMessage
from amap.notifications.wording import editable_kinds
from amap.payments.tables import Remittance
from amap.roster.slots import sync_slots
from amap.roster.tables import RosterRole, Slot
from tests.integration.conftest import csrf_token, login
from tests.integration.contracts.test_lifecycle import request_for
from tests.integration.orders.producer_world import DURING, add_order, add_shop
from tests.world import World, add_offer

ROLES = ("anonymous", "alice", "carol", "dan", "nina", "ada")
WHO = {"alice": "member", "carol": "coordinator", "dan": "farmer", "nina": "network coordinator", "ada": "admin"}

# Routes that are not pages nor API of the product, and why they are left out of the matrix.
NOT_CLASSIFIED = {
    "/static/{file_path}": "vendored CSS/JS/images, public by design, served by Litestar's static router",
    "/schema": "the OpenAPI document of the JSON API, public by design (no data)",
    "/schema/openapi.json": "the OpenAPI document of the JSON API, public by design (no data)",
    "/schema/{path}": "the OpenAPI renderers' other paths, public by design (no data)",
}

# Every GET route of the app: the status for each of ROLES (anonymous, member Alice, coordinator
# Carol, farmer Dan, network coordinator Nina, admin Ada), with the Tilleuls' objects.
EXPECTED: dict[str, tuple[int, int, int, int, int, int]] = {
    #                                                  anon  member coord farmer netw admin
    "/":                                              (200,  200,  200,  200,  200,  200),
    "/admin":                                         (303,  403,  403,  403,  403,  200),
    "/admin/outbox":                                  (303,  403,  403,  403,  403,  200),
    "/admin/outbox/{message_id}":                     (303,  403,  403,  403,  403,  200),
    "/admin/outbox/{message_id}/html":                (303,  403,  403,  403,  403,  200),
    "/admin/scheduler":                               (303,  403,  403,  403,  403,  200),
    "/api/v1/contracts":                              (401,  200,  200,  200,  200,  200),
    "/api/v1/contracts/{offer_id}":                   (401,  200,  200,  200,  404,  200),
    "/api/v1/distributions":                          (401,  200,  200,  200,  200,  200),
    "/api/v1/distributions/{distribution_id}":        (401,  200,  200,  200,  404,  200),
    "/api/v1/me":                                     (401,  200,  200,  200,  200,  200),
    "/api/v1/networks/{slug}":                        (401,  200,  200,  200,  200,  200),
    "/api/v1/networks/{slug}/producers":              (401,  200,  200,  200,  200,  200),
    "/api/v1/order-windows":                          (401,  200,  200,  200,  200,  200),
    "/api/v1/order-windows/{window_id}":              (401,  200,  200,  404,  404,  404),  # the member's side: who orders at a stop
    "/api/v1/order-windows/{window_id}/picking":      (401,  404,  404,  200,  404,  200),
    "/api/v1/orders":                                 (401,  200,  200,  200,  200,  200),
    "/api/v1/orders/{order_id}":                      (401,  200,  404,  404,  404,  404),
    "/api/v1/producers/{slug}":                       (401,  200,  200,  200,  200,  200),
    "/api/v1/roster":                                 (401,  200,  200,  200,  200,  200),
    "/api/v1/subscriptions":                          (401,  200,  200,  200,  200,  200),
    "/api/v1/subscriptions/{subscription_id}":        (401,  200,  200,  200,  404,  200),
    "/calendar/{filename}":                           (200,  200,  200,  200,  200,  200),  # Alice's feed token: the secret address is the key
    "/committee":                                     (303,  403,  200,  403,  403,  200),
    "/committee/messages":                            (303,  403,  303,  403,  403,  303),  # a shortcut: 303 to the coordinator's own group
    "/committee/{slug}/accounts/{user_id}/delete":    (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/balances":                     (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/contracts":                    (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/history":                      (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/history/{subject_kind}/{subject_id}": (303,  403,  200,  403,  403,  200),  # Alice's subscription
    "/committee/{slug}/exports":                      (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/exports/{export}":             (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/import":                       (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/import/{kind}/template.csv":   (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/messages":                     (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/organisations":                (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/outbox":                       (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/outbox/{message_id}":          (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/outbox/{message_id}/html":     (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/roster":                       (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/roster/print":                 (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/roster/roles":                 (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/roster/slots/{slot_id}":       (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/settings":                     (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/wording":                      (303,  403,  200,  403,  403,  200),
    "/committee/{slug}/wording/{code}":               (303,  403,  200,  403,  403,  200),
    "/contracts":                                     (303,  200,  200,  200,  200,  200),
    "/contracts/{offer_id}":                          (303,  200,  200,  200,  404,  200),
    "/contracts/{offer_id}/subscribe":                (303,  200,  200,  404,  404,  404),
    "/deliveries/{delivery_id}/announcement":         (303,  404,  200,  200,  404,  200),
    "/distributions":                                 (303,  200,  200,  200,  200,  200),
    "/distributions/absences":                        (303,  200,  200,  200,  200,  200),
    "/distributions/sheet":                           (303,  403,  303,  403,  403,  303),  # a shortcut: 303 to the next sheet of one's group
    "/distributions/sheet-worker.js":                 (200,  200,  200,  200,  200,  200),  # the sheet's offline script, no data
    "/distributions/{distribution_id}":               (303,  200,  200,  200,  404,  200),
    "/distributions/{distribution_id}/delivery-note": (303,  404,  200,  200,  404,  200),
    "/distributions/{distribution_id}/offered":       (303,  200,  200,  200,  404,  200),
    "/distributions/{distribution_id}/sheet":         (303,  403,  200,  403,  403,  200),
    "/farm":                                          (303,  403,  403,  200,  403,  200),
    "/farm/catalog":                                  (303,  403,  403,  200,  403,  200),
    "/farm/catalog/{product_id}":                     (303,  403,  403,  200,  403,  200),
    "/farm/offers/new":                               (303,  404,  200,  200,  404,  200),  # coordinators draft offers for their group's farms
    "/farm/share-types/new":                          (303,  403,  403,  200,  403,  200),
    "/farm/tours/{day}":                              (303,  403,  403,  200,  403,  200),
    "/farm/windows":                                  (303,  403,  403,  200,  403,  200),
    "/farm/windows/new":                              (303,  403,  403,  200,  403,  200),
    "/farm/windows/{window_id}":                      (303,  403,  403,  200,  403,  200),
    "/farm/windows/{window_id}/edit":                 (303,  403,  403,  200,  403,  200),
    "/farm/windows/{window_id}/orders.csv":           (303,  403,  403,  200,  403,  200),
    "/farm/windows/{window_id}/orders.xlsx":          (303,  403,  403,  200,  403,  200),
    "/farm/windows/{window_id}/picking":              (303,  403,  403,  200,  403,  200),
    "/farm/windows/{window_id}/tour":                 (303,  403,  403,  200,  403,  200),
    "/groups/{slug}":                                 (200,  200,  200,  200,  200,  200),
    "/groups/{slug}/committee":                       (303,  200,  200,  200,  404,  200),
    "/groups/{slug}/join":                            (200,  303,  303,  303,  303,  303),  # a household already in has nothing to join: 303
    "/healthz":                                       (200,  200,  200,  200,  200,  200),
    "/invitations/{token}":                           (404,  404,  404,  404,  404,  404),  # an unknown token
    "/login":                                         (200,  303,  303,  303,  303,  303),  # already signed in: 303 onwards
    "/logout":                                        (303,  200,  200,  200,  200,  200),
    "/me":                                            (303,  200,  200,  200,  200,  200),
    "/network":                                       (303,  403,  403,  403,  200,  200),
    "/network/demand":                                (303,  403,  403,  403,  200,  200),
    "/network/sheets/{day}":                          (303,  403,  403,  403,  200,  200),
    "/networks/{slug}":                               (200,  200,  200,  200,  200,  200),
    "/offers/{offer_id}/exports/payments.csv":        (303,  404,  200,  200,  404,  200),
    "/offers/{offer_id}/exports/payments.xlsx":       (303,  404,  200,  200,  404,  200),
    "/offers/{offer_id}/exports/subscriptions.csv":   (303,  404,  200,  200,  404,  200),
    "/offers/{offer_id}/exports/subscriptions.xlsx":  (303,  404,  200,  200,  404,  200),
    "/offers/{offer_id}/ledger":                      (303,  404,  200,  200,  404,  200),
    "/offers/{offer_id}/manage":                      (303,  404,  200,  200,  404,  200),
    "/offers/{offer_id}/manage/versions/{version}":   (303,  404,  200,  200,  404,  200),
    "/offers/{offer_id}/payments":                    (303,  404,  200,  200,  404,  200),
    "/offers/{offer_id}/remittances":                 (303,  404,  200,  200,  404,  200),
    "/orders":                                        (303,  200,  200,  200,  200,  200),
    "/orders/{window_id}":                            (303,  200,  200,  404,  404,  404),
    "/password/reset":                                (200,  200,  200,  200,  200,  200),
    "/password/reset/{token}":                        (404,  404,  404,  404,  404,  404),  # an unknown token
    "/producers/{slug}":                              (200,  200,  200,  200,  200,  200),
    "/profile":                                       (303,  200,  200,  200,  200,  200),
    "/profile/calendar":                              (303,  200,  200,  200,  200,  200),
    "/profile/data.csv":                              (303,  200,  200,  200,  200,  200),
    "/profile/data.json":                             (303,  200,  200,  200,  200,  200),
    "/profile/delete":                                (303,  200,  200,  200,  200,  200),
    "/profile/household":                             (303,  200,  200,  200,  200,  200),
    "/remittances/{remittance_id}":                   (303,  404,  200,  200,  404,  200),
    "/roster":                                        (303,  200,  200,  200,  200,  200),
    "/subscriptions/{subscription_id}":               (303,  200,  200,  200,  404,  200),
    "/subscriptions/{subscription_id}/print":         (303,  200,  200,  200,  404,  200),
    "/unsubscribe/{token}":                           (404,  404,  404,  404,  404,  404),  # an unknown token
    "/uploads/{name}":                                (303,  404,  404,  404,  404,  404),  # no such photo (who sees a photo: test_announcements)
}

# The same routes with the Canal's objects instead of the Tilleuls': (Alice, Carol, Dan).
OTHER_GROUP: dict[str, tuple[int, int, int]] = {
    #                                                 member coord farmer
    "/api/v1/contracts/{offer_id}":                   (404, 404, 404),
    "/api/v1/distributions/{distribution_id}":        (404, 404, 404),
    "/api/v1/order-windows/{window_id}":              (404, 404, 404),  # the member's side: who orders at a stop
    "/api/v1/order-windows/{window_id}/picking":      (404, 404, 404),
    "/api/v1/subscriptions/{subscription_id}":        (404, 404, 404),
    "/committee/{slug}/accounts/{user_id}/delete":    (403, 404, 403),
    "/committee/{slug}/balances":                     (403, 404, 403),
    "/committee/{slug}/contracts":                    (403, 404, 403),
    "/committee/{slug}/history":                      (403, 404, 403),
    "/committee/{slug}/history/{subject_kind}/{subject_id}": (403, 404, 403),
    "/committee/{slug}/exports":                      (403, 404, 403),
    "/committee/{slug}/exports/{export}":             (403, 404, 403),
    "/committee/{slug}/import":                       (403, 404, 403),
    "/committee/{slug}/import/{kind}/template.csv":   (403, 404, 403),
    "/committee/{slug}/messages":                     (403, 404, 403),
    "/committee/{slug}/organisations":                (403, 404, 403),
    "/committee/{slug}/outbox":                       (403, 404, 403),
    "/committee/{slug}/outbox/{message_id}":          (403, 404, 403),
    "/committee/{slug}/outbox/{message_id}/html":     (403, 404, 403),
    "/committee/{slug}/roster":                       (403, 404, 403),
    "/committee/{slug}/roster/print":                 (403, 404, 403),
    "/committee/{slug}/roster/roles":                 (403, 404, 403),
    "/committee/{slug}/roster/slots/{slot_id}":       (403, 404, 403),
    "/committee/{slug}/settings":                     (403, 404, 403),
    "/committee/{slug}/wording":                      (403, 404, 403),
    "/committee/{slug}/wording/{code}":               (403, 404, 403),
    "/contracts/{offer_id}":                          (404, 404, 404),
    "/contracts/{offer_id}/subscribe":                (404, 404, 404),
    "/deliveries/{delivery_id}/announcement":         (404, 404, 404),
    "/distributions/{distribution_id}":               (404, 404, 404),
    "/distributions/{distribution_id}/delivery-note": (404, 404, 404),
    "/distributions/{distribution_id}/offered":       (404, 404, 404),
    "/distributions/{distribution_id}/sheet":         (403, 404, 403),
    "/farm/catalog/{product_id}":                     (403, 403, 404),
    "/farm/windows/{window_id}":                      (403, 403, 404),
    "/farm/windows/{window_id}/edit":                 (403, 403, 404),
    "/farm/windows/{window_id}/orders.csv":           (403, 403, 404),
    "/farm/windows/{window_id}/orders.xlsx":          (403, 403, 404),
    "/farm/windows/{window_id}/picking":              (403, 403, 404),
    "/farm/windows/{window_id}/tour":                 (403, 403, 404),
    "/groups/{slug}/committee":                       (404, 404, 404),
    "/offers/{offer_id}/exports/payments.csv":        (404, 404, 404),
    "/offers/{offer_id}/exports/payments.xlsx":       (404, 404, 404),
    "/offers/{offer_id}/exports/subscriptions.csv":   (404, 404, 404),
    "/offers/{offer_id}/exports/subscriptions.xlsx":  (404, 404, 404),
    "/offers/{offer_id}/ledger":                      (404, 404, 404),
    "/offers/{offer_id}/manage":                      (404, 404, 404),
    "/offers/{offer_id}/manage/versions/{version}":   (404, 404, 404),
    "/offers/{offer_id}/payments":                    (404, 404, 404),
    "/offers/{offer_id}/remittances":                 (404, 404, 404),
    "/orders/{window_id}":                            (404, 404, 404),
    "/remittances/{remittance_id}":                   (404, 404, 404),
    "/subscriptions/{subscription_id}":               (404, 404, 404),
    "/subscriptions/{subscription_id}/print":         (404, 404, 404),
}

# Unsafe routes anyone may use without an account, and why.
PUBLIC_UNSAFE = {
    "/login": "signing in",
    "/logout": "signing out is harmless without a session",
    "/language": "choosing the language of the pages before signing in",
    "/password/reset": "asking for a reset link: answers the same whether the address exists or not",
    "/password/reset/{token}": "the secret token of the e-mail is the key",
    "/invitations/{token}": "the secret token of the invitation is the key; accepting creates the account",
    "/groups/{slug}/join": "a household asks to join a group: the request waits for the committee",
    "/unsubscribe/{token}": "RFC 8058 one-click unsubscribe: the signed token is the key (CSRF-exempt)",
}

# Unsafe routes a plain member may use (on her own things); every other one refuses her (403/404).
MEMBER_MAY = {
    "/logout", "/language", "/login", "/password/reset", "/password/reset/{token}", "/invitations/{token}",
    "/unsubscribe/{token}", "/groups/{slug}/join",
    "/profile", "/profile/password", "/profile/notifications", "/profile/tokens", "/profile/tokens/{token_id}/revoke",
    "/profile/household", "/profile/household/invite", "/profile/delete", "/profile/calendar", "/profile/calendar/revoke",
    "/contracts/{offer_id}/subscribe", "/subscriptions/{subscription_id}/leave",
    "/subscriptions/{subscription_id}/amendments/{amendment_id}",
    "/distributions/absences", "/distributions/absences/{absence_id}/withdraw",
    "/distributions/{distribution_id}/offered/{absence_id}/take",
    "/roster/signups/{signup_id}/leave", "/roster/signups/{signup_id}/swap", "/roster/slots/{slot_id}/take",
    "/roster/swaps/{swap_id}/take",
    "/orders/{window_id}", "/orders/{window_id}/preview", "/orders/{window_id}/cancel",
    "/api/v1/contracts/{offer_id}/subscriptions", "/api/v1/absences", "/api/v1/roster/signups/{signup_id}",
    "/api/v1/roster/slots/{slot_id}/signup", "/api/v1/orders",
}


def template(path: str) -> str:
    """`/offers/{offer_id:int}` -> `/offers/{offer_id}`: the table's keys."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


def app_routes(app: Litestar, methods: set[str]) -> set[str]:
    return {template(route.path) for route in app.routes
            if set(getattr(route, "methods", ())) & methods and template(route.path) not in NOT_CLASSIFIED}


@dataclass
class Objects:
    params: dict[str, object]
    canal: dict[str, object]


async def objects(world: World) -> Objects:
    """The real objects each path parameter names, for the Tilleuls and the same for the Canal."""
    canal_world = replace(world, tilleuls=world.canal, farm_tilleuls=world.farm_canal)
    shop = await add_shop(world)
    canal_shop = await add_shop(canal_world)
    offer = await add_offer(world)
    canal_offer = await add_offer(canal_world)
    subscription = await lifecycle.sign(request_for(world, offer, "alice"))
    canal_subscription = await lifecycle.sign(request_for(world, canal_offer, "erin"))
    await sync_group(world.tilleuls)
    await sync_group(world.canal)
    order = await add_order(world, shop, "alice", {"honey": 1})
    kind = editable_kinds()[0].code

    async def per_group(group: int, farm: int, offer_id: int, subscription_id: int, window: int, slug: str,
                        farm_slug: str, who: str) -> dict[str, object]:
        distribution = (await Distribution.select(Distribution.id).where(Distribution.group == group)
                        .order_by(Distribution.held_on).first())["id"]
        delivery = (await Delivery.select(Delivery.id).where(Delivery.offer == offer_id)
                    .order_by(Delivery.due_on).first())["id"]
        remittance = (await Remittance.insert(Remittance(farm=farm, offer=offer_id, handed_over_on=date(2027, 5, 5)))
                      .returning(Remittance.id))[0]["id"]
        await RosterRole.insert(RosterRole(group=group, name="Installation", people_needed=2))
        await sync_slots(group)
        slot = (await Slot.select(Slot.id).where(Slot.group == group).order_by(Slot.held_on).first())["id"]
        message = (await OutboxMessage.insert(OutboxMessage(
            key=f"authz-{slug}", kind="group_message", group=group, user=None, to_address=f"{who}@example.org",
            subject="Bonjour", body_text="Bonjour", body_html="<p>Bonjour</p>")).returning(OutboxMessage.id))[0]["id"]
        place = (await Place.select(Place.id).where(Place.group == group).first())["id"]
        return {"slug": slug, "farm_slug": farm_slug, "offer_id": offer_id, "subscription_id": subscription_id,
                "distribution_id": distribution, "delivery_id": delivery, "remittance_id": remittance,
                "slot_id": slot, "message_id": message, "window_id": window, "place_id": place,
                "membership_id": world.memberships[who], "household_id": world.households[who], "user_id": world.users[who],
                "subject_kind": "subscription", "subject_id": subscription_id}

    params = await per_group(world.tilleuls, world.farm_tilleuls, offer.offer, subscription["id"], shop.window,
                             "tilleuls", "ferme-tilleuls", "alice")
    canal = await per_group(world.canal, world.farm_canal, canal_offer.offer, canal_subscription["id"],
                            canal_shop.window, "canal", "ferme-canal", "erin")
    common = {"version": 1, "code": kind, "kind": "members", "day": "2027-05-13", "order_id": order, "product_id": shop.products["honey"],
              "filename": f"{await replace_token(world.users['alice'])}.ics",
              # Secret tokens of e-mails: an unknown one is the case anyone can try.
              "token": "not-a-real-token", "name": "no-such-photo.jpg",
              # Ids only unsafe routes name: each a real one where the test has it, else none.
              "amendment_id": 999_999, "plan_id": offer.plan_one, "share_id": offer.full_share,
              "referent_id": 999_999, "role_id": 999_999, "signup_id": 999_999, "swap_id": 999_999,
              "absence_id": 999_999, "obligation_id": 999_999, "coordinator_id": 999_999, "token_id": 999_999,
              "share_type_id": 999_999, "group_slug": "tilleuls", "export": "members.xlsx"}
    return Objects(params=common | params, canal=common | canal | {"product_id": canal_shop.products["honey"],
                                                                    "group_slug": "canal",
                                                                    "plan_id": canal_offer.plan_one,
                                                                    "share_id": canal_offer.full_share})


# Routes whose {slug} is not a group's.
SLUG = {"/producers/{slug}": "farm_slug", "/farm/{slug}": "farm_slug", "/api/v1/producers/{slug}": "farm_slug",
        "/networks/{slug}": "network", "/api/v1/networks/{slug}": "network",
        "/api/v1/networks/{slug}/producers": "network", "/network/{slug}/farms": "network",
        "/network/{slug}/groups": "network", "/network/{slug}/groups/{group_slug}/kind": "network",
        "/network/{slug}/farms/{farm_slug}/remove": "network",
        "/network/{slug}/groups/{group_slug}/remove": "network"}


def url(path: str, params: dict[str, object]) -> str:
    values = dict(params)
    if path in SLUG:
        values["slug"] = "rhone" if SLUG[path] == "network" else params["farm_slug"]
    return path.format(**values)


@pytest.fixture
async def api(running_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A second client that never holds a session cookie: the API answers to bearer tokens only."""
    transport = httpx.ASGITransport(app=running_app, client=("10.1.2.4", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def as_role(client: httpx.AsyncClient, api: httpx.AsyncClient, world: World, who: str) -> None:
    """Log the page client in and give the API client that person's token; the anonymous has neither."""
    if who == "anonymous":
        await client.get("/login")  # only for the CSRF cookie
        return
    await login(client, f"{who}@example.org")
    api.headers["Authorization"] = f"Bearer {await create_api_token(world.users[who], 'matrix')}"


async def get_all(client: httpx.AsyncClient, api: httpx.AsyncClient, paths, params) -> dict[str, int]:
    statuses = {}
    for path in sorted(paths):
        http = api if path.startswith("/api/") else client
        statuses[path] = (await http.get(url(path, params))).status_code
    return statuses


def test_the_table_covers_exactly_the_apps_routes(running_app):
    gets = app_routes(running_app, {"GET"})
    assert sorted(gets - EXPECTED.keys()) == [], "GET routes to classify in EXPECTED"
    assert sorted(EXPECTED.keys() - gets) == [], "routes of EXPECTED the app no longer has"
    assert OTHER_GROUP.keys() <= EXPECTED.keys()
    unsafe = app_routes(running_app, {"POST", "PUT", "PATCH", "DELETE"})
    assert sorted((PUBLIC_UNSAFE.keys() | MEMBER_MAY) - unsafe) == [], "listed unsafe routes the app no longer has"


@pytest.mark.parametrize("who", ROLES)
async def test_each_role_gets_exactly_the_expected_status_on_every_get_route(client, api, world, who):
    with time_machine.travel(DURING, tick=False):
        made = await objects(world)
        await as_role(client, api, world, who)
        got = await get_all(client, api, EXPECTED, made.params)
    column = ROLES.index(who)
    assert got == {path: row[column] for path, row in EXPECTED.items()}


@pytest.mark.parametrize("who", ["alice", "carol", "dan"])
async def test_another_groups_or_farms_objects_do_not_exist_for_the_tilleuls(client, api, world, who):
    with time_machine.travel(DURING, tick=False):
        made = await objects(world)
        await as_role(client, api, world, who)
        got = await get_all(client, api, OTHER_GROUP, made.canal)
    column = ("alice", "carol", "dan").index(who)
    assert got == {path: row[column] for path, row in OTHER_GROUP.items()}


# A body the API validates before the handler's per-object check: an empty one would be a 400 for
# anyone, so the refusal is checked with the smallest valid body.
BODIES = {"/api/v1/deliveries/{delivery_id}/announcement": {"shares": []}}


def unsafe_routes(app: Litestar) -> list[tuple[str, str]]:
    return sorted({(method, template(route.path)) for route in app.routes
                   for method in set(getattr(route, "methods", ())) & {"POST", "PUT", "PATCH", "DELETE"}
                   if template(route.path) not in NOT_CLASSIFIED})


async def send(client: httpx.AsyncClient, api: httpx.AsyncClient, method: str, path: str, params) -> httpx.Response:
    """An empty form with the CSRF token (pages) or an empty JSON body (API): the guard answers, not CSRF."""
    if path.startswith("/api/"):
        return await api.request(method, url(path, params), json=BODIES.get(path, {}))
    return await client.request(method, url(path, params), data={"_csrf_token": csrf_token(client)})


async def test_the_anonymous_visitor_is_sent_to_login_on_every_unsafe_route_but_the_public_ones(
        running_app, client, api, world):
    with time_machine.travel(DURING, tick=False):
        made = await objects(world)
        await as_role(client, api, world, "anonymous")
        refused, public = {}, {}
        for method, path in unsafe_routes(running_app):
            response = await send(client, api, method, path, made.params)
            answer = response.status_code, response.headers.get("location", "").split("?")[0]
            (public if path in PUBLIC_UNSAFE else refused)[f"{method} {path}"] = answer
    assert {route: answer for route, answer in refused.items()
            if answer != ((401, "") if route.split()[1].startswith("/api/") else (303, "/login"))} == {}
    # Signing out ends on the login page: the one public route whose answer is that redirect.
    assert {route: answer for route, answer in public.items()
            if answer in ((401, ""), (303, "/login")) and route != "POST /logout"} == {}


async def test_a_member_is_refused_every_committee_farm_network_and_admin_unsafe_route(running_app, client, api, world):
    with time_machine.travel(DURING, tick=False):
        made = await objects(world)
        await as_role(client, api, world, "alice")
        got = {}
        for method, path in unsafe_routes(running_app):
            if path not in MEMBER_MAY:
                got[f"{method} {path}"] = (await send(client, api, method, path, made.params)).status_code
    assert {route: status for route, status in got.items() if status not in (403, 404)} == {}
    assert len(got) >= 75  # the committee's, farm's, network's and admin's forms, not an empty loop


async def test_a_committee_does_not_reach_another_groups_member_through_its_own_slug(client, api, world):
    """The object routes under /committee/{slug} check the object too, not only the slug."""
    with time_machine.travel(DURING, tick=False):
        made = await objects(world)
        await as_role(client, api, world, "carol")
        mixed = made.params | {key: made.canal[key] for key in ("user_id", "message_id", "slot_id", "subject_id")}
        got = await get_all(client, api, ["/committee/{slug}/accounts/{user_id}/delete",
                                          "/committee/{slug}/outbox/{message_id}",
                                          "/committee/{slug}/outbox/{message_id}/html",
                                          "/committee/{slug}/roster/slots/{slot_id}",
                                          "/committee/{slug}/history/{subject_kind}/{subject_id}"], mixed)
    assert set(got.values()) == {404}, got
