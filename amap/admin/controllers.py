"""`/admin`: what only the site administrator does."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from amap.accounts.services import find_user_id
from amap.farms.tables import Farm, FarmSupply
from amap.groups.tables import Group
from amap.lib.access import current, requires_admin
from amap.lib.forms import Form
from amap.lib.i18n import _
from amap.lib.web import form_data, notice, page, see_other
from amap.network.tables import Network
from amap.roles import ROLES, RoleError, grant_role


class AdminController(Controller):
    path = "/admin"
    guards = [requires_admin]

    async def _render(self, request: Request, *, group_form: Form | None = None, farm_form: Form | None = None,
                      network_form: Form | None = None, role_form: Form | None = None,
                      status_code: int = 200) -> Template:
        groups = await Group.select(Group.id, Group.name, Group.slug, Group.city).order_by(Group.name)
        farms = await Farm.select(Farm.id, Farm.name, Farm.slug, Farm.production).order_by(Farm.name)
        networks = await Network.select(Network.name, Network.slug).order_by(Network.name)
        return page(request, "admin/index.html", status_code=status_code, groups=groups, farms=farms,
                    networks=networks, roles=ROLES, group_form=group_form or Form(id_prefix="group-"),
                    farm_form=farm_form or Form(id_prefix="farm-"), network_form=network_form or Form(id_prefix="network-"),
                    role_form=role_form or Form())

    @get("", name="admin")
    async def index(self, request: Request) -> Template:
        return await self._render(request)

    @post("/groups")
    async def create_group(self, request: Request) -> Template | Redirect:
        form = Form(await form_data(request), id_prefix="group-")
        name = form.text("name")
        slug = form.slug("slug")
        city = form.text("city", required=False, max_length=120)
        if form.ok and await Group.exists().where(Group.slug == slug):
            form.error("slug", _("Another group already has this short name."))
        if not form.ok:
            return await self._render(request, group_form=form, status_code=400)
        await Group.insert(Group(name=name, slug=slug, city=city))
        notice(request, _("The group %(name)s is created. Appoint its first coordinator below.", name=name))
        return see_other("/admin")

    @post("/farms")
    async def create_farm(self, request: Request) -> Template | Redirect:
        form = Form(await form_data(request), id_prefix="farm-")
        name = form.text("name")
        slug = form.slug("slug")
        production = form.text("production", required=False)
        group_slug = form.get("group")
        group = await Group.select(Group.id).where(Group.slug == group_slug).first() if group_slug else None
        if group_slug and group is None:
            form.error("group", _("Choose one of the options."))
        if form.ok and await Farm.exists().where(Farm.slug == slug):
            form.error("slug", _("Another farm already has this short name."))
        if not form.ok:
            return await self._render(request, farm_form=form, status_code=400)
        rows = await Farm.insert(Farm(name=name, slug=slug, production=production)).returning(Farm.id)
        if group is not None:
            await FarmSupply.insert(FarmSupply(farm=rows[0]["id"], group=group["id"]))
        notice(request, _("The farm %(name)s is created.", name=name))
        return see_other("/admin")

    @post("/networks")
    async def create_network(self, request: Request) -> Template | Redirect:
        form = Form(await form_data(request), id_prefix="network-")
        name = form.text("name")
        slug = form.slug("slug")
        description = form.text("description", required=False, max_length=5000)
        if form.ok and await Network.exists().where(Network.slug == slug):
            form.error("slug", _("Another network already has this short name."))
        if not form.ok:
            return await self._render(request, network_form=form, status_code=400)
        await Network.insert(Network(name=name, slug=slug, description=description))
        notice(request, _("The network %(name)s is created. Grant its coordinator role below.", name=name))
        return see_other("/admin")

    @post("/roles")
    async def grant(self, request: Request) -> Template | Redirect:
        form = Form(await form_data(request))
        email = form.email()
        role = form.choice("role", ROLES)
        target = form.get("target") or None
        user_id = await find_user_id(email) if form.ok else None
        if form.ok and user_id is None:
            form.error("email", _("No account has this e-mail address. Invite the person first."))
        if form.ok:
            try:
                await grant_role(user_id, role, target=target, granted_by=current(request).id)
            except RoleError as error:
                form.error("target", str(error))
        if not form.ok:
            return await self._render(request, role_form=form, status_code=400)
        notice(request, _("The role is granted."))
        return see_other("/admin")


