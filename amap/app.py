"""The application factory: every domain's controllers, middleware and plugins wired once."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

import amap
from amap.accounts.controllers import LoginController, PasswordResetController, ProfileController
from amap.accounts.sessions import RotatingSessionConfig
from amap.admin.controllers import AdminController
from amap.admin.scheduler import CommitteeOutboxController, OutboxController, SchedulerController
from amap.api.absences import ApiAbsencesController
from amap.api.announcements import ApiAnnouncementsController
from amap.api.contracts import ApiContractsController
from amap.api.controllers import ApiMeController
from amap.api.distributions import ApiDistributionsController
from amap.api.network import ApiNetworkController
from amap.api.orders import ApiOrdersController
from amap.api.picking import ApiPickingController
from amap.api.roster import ApiRosterController
from amap.audit.pages import AuditController
from amap.contracts.committee import CommitteeContractsController
from amap.contracts.manage import NewOfferController, OfferManageController, ShareTypeController
from amap.contracts.member import ContractsController, SubscribeController
from amap.distributions import sheet
from amap.distributions.absences import AbsencesController
from amap.distributions.deliveries import DeliveryController
from amap.distributions.delivery_note import DeliveryNoteController
from amap.distributions.ledger_pages import OfferLedgerController
from amap.distributions.pages import DistributionsController
from amap.distributions.sheet import SheetController, sheet_worker
from amap.distributions.uploads import UploadController
from amap.errors import http_error, server_error
from amap.exports.controllers import GroupExportsController, WindowOrdersExportController
from amap.group_messages.pages import GroupMessagesController, MessagesShortcutController
from amap.groups.committee import CommitteeController, GroupSettingsController
from amap.groups.controllers import HouseholdController, InvitationController
from amap.groups.joining import JoinController
from amap.home.controllers import MeController, PublicController
from amap.home.farm import FarmController
from amap.home.feed import CalendarFeedController, CalendarLinkController
from amap.home.personal_data import CommitteeAccountController, PersonalDataController
from amap.home.subscription import SubscriptionController
from amap.imports.pages import ImportController
from amap.lib import db
from amap.lib.assets import COMPRESSION, Assets, static_router
from amap.lib.connections import HoldConnection
from amap.lib.middleware import LanguageMiddleware, add_security_headers
from amap.lib.settings import Settings, get_settings
from amap.lib.templating import make_environment
from amap.network.controllers import NetworkController
from amap.network.demand import NetworkDemandController
from amap.network.public import NetworkPublicController
from amap.network.sheets import NetworkSheetsController
from amap.notifications.pages import UnsubscribeController
from amap.notifications.wording_pages import WordingController
from amap.orders.handover import orders_at
from amap.orders.member import OrdersController
from amap.orders.organisations import OrganisationsController
from amap.orders.producer import CatalogController, WindowsController
from amap.orders.producer_picking import DayTourController, PickingController
from amap.payments.controllers import OfferPaymentsController, RemittanceController
from amap.payments.households import HouseholdBalancesController
from amap.principal import PrincipalMiddleware
from amap.roster.committee import RosterCommitteeController
from amap.roster.member import RosterController
from amap.roster.responsibilities import GroupCommitteeController
from amap.system.store import DatabaseStore

ROOT = Path(__file__).resolve().parent.parent
SESSION_LIFETIME = timedelta(days=14)

# The sign-off sheet lists the one-off orders handed over beside the shares; wired here because
# distributions may not import the orders domain built on it.
if orders_at not in sheet.EXTRA_READERS:
    sheet.EXTRA_READERS.append(orders_at)

PAGE_CONTROLLERS = [
    PublicController,
    MeController,
    LoginController,
    PasswordResetController,
    ProfileController,
    PersonalDataController,
    HouseholdController,
    InvitationController,
    CommitteeController, AuditController,
    CommitteeAccountController,
    GroupSettingsController, ImportController,
    FarmController,
    NetworkController, NetworkDemandController, NetworkSheetsController, NetworkPublicController,
    AdminController, SchedulerController, OutboxController, CommitteeOutboxController,
    ContractsController,
    SubscribeController,
    SubscriptionController,
    JoinController,
    CommitteeContractsController,
    HouseholdBalancesController,
    OfferPaymentsController,
    RemittanceController,
    NewOfferController, OfferManageController, ShareTypeController,
    DeliveryController, UploadController, OfferLedgerController, DeliveryNoteController,
    DistributionsController, CalendarLinkController, CalendarFeedController,
    AbsencesController, SheetController, sheet_worker,
    RosterController,
    OrdersController, OrganisationsController,
    CatalogController, WindowsController, PickingController, DayTourController,
    RosterCommitteeController, GroupCommitteeController,
    GroupExportsController, WindowOrdersExportController,
    UnsubscribeController, GroupMessagesController, MessagesShortcutController, WordingController,
]
API_CONTROLLERS = [ApiMeController, ApiContractsController, ApiDistributionsController, ApiAbsencesController, ApiAnnouncementsController,
                   ApiRosterController, ApiOrdersController, ApiPickingController, ApiNetworkController]


@asynccontextmanager
async def database_pool(_: Litestar) -> AsyncIterator[None]:
    await db.start_pool()
    try:
        yield
    finally:
        await db.close_pool()


def freeze_startup_objects() -> None:
    """Move what starting built (modules, routes, the pool) out of the garbage collector's way, so a
    full collection scans only what requests create: without it, each one took ~100 ms and came
    every few large pages (the sign-off sheet's p95 was twice its median)."""
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def embedded_scheduler(_: Litestar) -> AsyncIterator[None]:
    """`amap serve` runs the jobs in-process, so one command gives a working AMAP; the lease
    in the database lets only one process (of several workers, or beside `amap worker`) run them."""
    from jobs.worker import run_scheduler

    stop = asyncio.Event()
    task = asyncio.create_task(run_scheduler(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=15)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    assets = Assets(ROOT / "static")
    environment = make_environment(ROOT / "templates", assets, auto_reload=settings.debug)
    template_config = TemplateConfig(engine=JinjaTemplateEngine(engine_instance=environment))
    session_config = RotatingSessionConfig(
        store="sessions",
        max_age=int(SESSION_LIFETIME.total_seconds()),
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    return Litestar(
        # HTML pages stay out of the OpenAPI document: it describes the JSON API only.
        route_handlers=[Router("/", route_handlers=PAGE_CONTROLLERS, include_in_schema=False), *API_CONTROLLERS,
                        static_router(assets)],
        middleware=[
            HoldConnection(),  # first: the session's and the principal's reads run on it too
            session_config.middleware,
            DefineMiddleware(PrincipalMiddleware, exclude=["^/static/", "^/healthz", "^/schema"]),
            LanguageMiddleware(),
        ],
        before_send=[add_security_headers],
        # The largest thing anyone sends is a share's photo (5 MB, amap/distributions/uploads.py);
        # anything bigger is refused with a 413 before it is read into memory.
        request_max_body_size=8 * 1024 * 1024,
        compression_config=COMPRESSION,
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            exclude=["^/api/"],  # the API authenticates by bearer token only, never by cookie
            # One page handler more is exempt, by `exclude_from_csrf` on the handler rather than by path:
            # the RFC 8058 one-click POST /unsubscribe/{token} (amap/notifications/pages.py). A path
            # pattern would also strip the token from its GET page, breaking the layout's own forms.
        ),
        allowed_hosts=AllowedHostsConfig(allowed_hosts=list(settings.allowed_hosts)),
        stores={"sessions": DatabaseStore("sessions")},
        template_config=template_config,
        plugins=[HTMXPlugin()],
        exception_handlers={HTTPException: http_error, Exception: server_error} if not settings.debug
        else {HTTPException: http_error},
        openapi_config=OpenAPIConfig(
            title="amap API",
            version=amap.__version__,
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
            components=Components(
                security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer",
                                                                description="A personal token from /profile")}
            ),
        ),
        lifespan=[database_pool, embedded_scheduler] if settings.embedded_scheduler else [database_pool],
        on_startup=[freeze_startup_objects],
        state=State({"settings": settings}),
        debug=settings.debug,
    )
