"""`/committee/{slug}/import`: a coordinator uploads a CSV file, checks every row in a preview, then imports
it all or nothing. The confirmation sends the file's text back in the form, and everything is checked
again: nothing is kept between the two steps on the server."""

from __future__ import annotations

import base64
import binascii
import logging

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from amap.contracts import lifecycle
from amap.groups.committee import chosen_group
from amap.imports import members, payments, reading, subscriptions
from amap.imports.lookups import Offers
from amap.imports.reading import FileProblem
from amap.imports.runner import Context, Importer, Outcome, run
from amap.lib.access import current, ensure, requires_coordinator
from amap.lib.dates import local_today
from amap.lib.forms import Form
from amap.lib.i18n import _, _l, get_language, ngettext
from amap.lib.money import format_cents
from amap.lib.web import notice, page, see_other

IMPORTERS: dict[str, Importer] = {importer.code: importer for importer in (
    members.IMPORTER, subscriptions.IMPORTER, payments.IMPORTER)}
TITLES = {"members": _l("Members and households"), "subscriptions": _l("Contracts already signed"),
          "payments": _l("Payments received")}
logger = logging.getLogger(__name__)


def importer_of(kind: str) -> Importer:
    ensure(kind in IMPORTERS)
    return IMPORTERS[kind]


def field(kind: str) -> str:
    """The upload field of one import, and the id its error message links to."""
    return f"{kind}-file"


async def open_contracts(group_id: int) -> list[dict]:
    """The contracts a subscriptions file may name, with what its cells may say."""
    offers = await Offers.of_group(group_id)
    published = await lifecycle.published_terms([offer for offer in offers.by_id.values() if offer["status"] == "open"])
    found = []
    for offer in offers.by_id.values():
        terms = published.get(offer["id"])
        if offer["status"] == "open" and terms is not None:
            found.append({**offer, "shares": [share["name"] for share in terms["shares"]],
                          "plans": sorted(plan["installments"] for plan in terms["payment_plans"])})
    return found


def summary(kind: str, counts: dict[str, int]) -> str:
    """What an import did (or would do), in words."""
    language = get_language()
    if kind == "members":
        parts = [ngettext("%(num)s new household", "%(num)s new households", counts.get("households", 0)),
                 ngettext("%(num)s adult", "%(num)s adults", counts.get("adults", 0))]
        if counts.get("skipped"):
            parts.append(ngettext("%(num)s already a member, skipped", "%(num)s already members, skipped",
                                  counts["skipped"]))
        if counts.get("invited"):
            parts.append(ngettext("%(num)s e-mail to choose a password", "%(num)s e-mails to choose a password",
                                  counts["invited"]))
    elif kind == "subscriptions":
        parts = [ngettext("%(num)s contract signed", "%(num)s contracts signed", counts.get("subscriptions", 0)),
                 _("%(amount)s in all", amount=format_cents(counts.get("total_cents", 0), language))]
    else:
        parts = [ngettext("%(num)s payment", "%(num)s payments", counts.get("payments", 0)),
                 _("%(amount)s in all", amount=format_cents(counts.get("amount_cents", 0), language))]
    return " · ".join(parts)


def sent_back(content: object) -> str:
    """The file's text as the preview put it in the confirmation form: base64, so that no browser
    rewrites its line breaks or spaces on the way back."""
    if not isinstance(content, str) or len(content) > reading.MAX_BYTES * 4 + 4:
        raise FileProblem(_("The confirmation did not come back whole: upload the file again."))
    try:
        return base64.b64decode(content.encode("ascii"), validate=True).decode("utf-8")
    except (UnicodeError, binascii.Error, ValueError) as error:
        raise FileProblem(_("The confirmation did not come back whole: upload the file again.")) from error


class ImportController(Controller):
    path = "/committee/{slug:str}/import"
    guards = [requires_coordinator]

    async def _page(self, request: Request, slug: str, *, form: Form | None = None,
                    status_code: int = 200) -> Template:
        group, groups = await chosen_group(current(request), slug)
        return page(request, "imports/index.html", status_code=status_code, group=group, groups=groups,
                    importers=IMPORTERS, form=form or Form(), field=field, contracts=await open_contracts(group["id"]),
                    limits={"rows": reading.MAX_ROWS})

    async def _refused(self, request: Request, slug: str, kind: str, problem: FileProblem) -> Template:
        form = Form()
        form.error(field(kind), str(problem))
        return await self._page(request, slug, form=form, status_code=400)

    @get("", name="committee_import")
    async def show(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._page(request, slug)

    @get("/{kind:str}/template.csv", name="committee_import_template")
    async def example(self, request: Request, slug: FromPath[str], kind: FromPath[str]) -> Response[bytes]:
        """A file to fill in: the columns in the reader's language and a few example rows."""
        group, _groups = await chosen_group(current(request), slug)
        importer = importer_of(kind)
        content = reading.example_file(importer.columns, await importer.examples(group), get_language())
        return Response(content, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="import-{kind}.csv"', "Cache-Control": "no-store"})

    @post("/{kind:str}")
    async def preview(self, request: Request, slug: FromPath[str], kind: FromPath[str]) -> Template:
        """Read the uploaded file and show each row with its problems; nothing is kept."""
        group, _groups = await chosen_group(current(request), slug)
        importer = importer_of(kind)
        upload = (await request.form()).get("file")
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise FileProblem(_("Choose a CSV file to upload."))
            text = reading.decode(await reading.read_upload(upload))
            outcome = await run(importer, self._context(request, group, commit=False), reading.parse(text, importer.columns))
        except FileProblem as problem:
            return await self._refused(request, slug, kind, problem)
        return self._preview(request, group, importer, outcome, text)

    @post("/{kind:str}/confirm")
    async def confirm(self, request: Request, slug: FromPath[str], kind: FromPath[str]) -> Template | Redirect:
        """Check the file again and import it in one transaction, or nothing of it."""
        group, _groups = await chosen_group(current(request), slug)
        importer = importer_of(kind)
        submitted = await request.form()
        invite = submitted.get("invite") == "on"
        try:
            text = reading.checked(sent_back(submitted.get("content")))
            sheet = reading.parse(text, importer.columns)
            outcome = await run(importer, self._context(request, group, commit=True, invite=invite), sheet)
        except FileProblem as problem:
            return await self._refused(request, slug, kind, problem)
        except Exception:  # noqa: BLE001 - whatever it was, the transaction is undone: say so plainly
            logger.exception("import of %s for group %s failed", kind, group["slug"])
            form = Form()
            form.error(field(kind), _("The import stopped on an unexpected error and nothing was saved. "
                                      "Try again; if it happens again, tell the site's administrator."))
            return await self._page(request, slug, form=form, status_code=500)
        if not outcome.ready:
            return self._preview(request, group, importer, outcome, text, refused=True)
        if outcome.to_import:
            notice(request, _("Import done: %(summary)s.", summary=summary(kind, outcome.counts)))
        else:  # a second click on the button, or the same file again
            notice(request, _("Nothing to import: every row is there already."))
        return see_other(f"/committee?group={group['slug']}")

    def _context(self, request: Request, group: dict, *, commit: bool, invite: bool = False) -> Context:
        principal = current(request)
        return Context(group=group, by_user=principal.id, by_name=principal.name, today=local_today(group["timezone"]),
                       commit=commit, invite=invite)

    def _preview(self, request: Request, group: dict, importer: Importer, outcome: Outcome, text: str, *,
                 refused: bool = False) -> Template:
        # 200 for a preview, even with problems: the page answers the upload; 400 when an import was refused.
        return page(request, "imports/preview.html", status_code=400 if refused else 200, group=group,
                    importer=importer, kind=importer.code, title=TITLES[importer.code], outcome=outcome,
                    content=base64.b64encode(text.encode()).decode("ascii"), refused=refused, form=Form(),
                    summary=summary(importer.code, outcome.counts), field=field,
                    columns=[column for column in importer.columns if outcome.sheet.has(column.key)])
