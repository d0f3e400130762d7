"""`/committee/{slug}/wording`: the committee rewords the automatic e-mails' subject and opening, per language."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from amap.groups.committee import chosen_group
from amap.lib.access import current, ensure, requires_coordinator
from amap.lib.forms import Form
from amap.lib.i18n import LANGUAGES, _
from amap.lib.web import form_data, notice, page, see_other
from amap.notifications import wording
from amap.notifications.kinds import KINDS, Kind


def editable(code: str) -> Kind:
    kind = KINDS.get(code)
    ensure(kind is not None and kind.editable)
    return kind


def read_wording(form: Form, kind: Kind) -> dict[str, str]:
    values = {"subject": " ".join(form.text("subject", required=False, max_length=wording.MAX_SUBJECT).split()),
              "intro": form.text("intro", required=False, max_length=wording.MAX_INTRO).replace("\r\n", "\n")}
    allowed = ", ".join(f"{{{name}}}" for name in kind.placeholders)
    for field, text in values.items():
        unknown = wording.unknown_placeholders(text, kind)
        if unknown and field not in form.errors:
            form.error(field, _("%(unknown)s cannot be filled in this message. Use only: %(allowed)s.",
                                unknown=", ".join(f"{{{name}}}" for name in unknown), allowed=allowed))
    return values


class WordingController(Controller):
    path = "/committee/{slug:str}/wording"
    guards = [requires_coordinator]

    @get("", name="group_wording")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        group, groups = await chosen_group(current(request), slug)
        own = await wording.wordings_of(group["id"])
        return page(request, "notifications/wording_index.html", group=group, groups=groups,
                    kinds=wording.editable_kinds(), own=own, languages=LANGUAGES)

    async def _render(self, request: Request, slug: str, code: str, language: str, *, form: Form | None = None,
                      block: str | None = None, status_code: int = 200) -> Template:
        group, groups = await chosen_group(current(request), slug)
        kind = editable(code)
        saved = (await wording.wordings_of(group["id"])).get((kind.code, language))
        if form is None:
            form = Form({"subject": saved["subject"], "intro": saved["intro"]} if saved else {})
        typed = {"subject": form.get("subject"), "intro": form.get("intro").replace("\r\n", "\n")}
        examples = await wording.example_words(kind, group)
        default_subject, default_intro = wording.defaults(kind, group, language, examples)
        return page(request, "notifications/wording_edit.html", block=block, status_code=status_code, group=group,
                    groups=groups, kind=kind, mail_language=language, languages=LANGUAGES, form=form, saved=saved,
                    preview=await wording.preview(kind, group, language, typed),
                    default_subject=default_subject, default_intro=default_intro)

    @get("/{code:str}")
    async def edit(self, request: Request, slug: FromPath[str], code: FromPath[str],
                   language: FromQuery[str | None] = None) -> Template:
        group, _groups = await chosen_group(current(request), slug)
        language = language or (group["language"] if group["language"] in LANGUAGES else "fr")
        ensure(language in LANGUAGES)
        return await self._render(request, slug, code, language)

    @post("/{code:str}")
    async def save(self, request: Request, slug: FromPath[str], code: FromPath[str]) -> Template | Redirect:
        group, _groups = await chosen_group(current(request), slug)
        kind = editable(code)
        form = Form(await form_data(request))
        language = form.choice("language", LANGUAGES)
        values = read_wording(form, kind)
        if not form.ok:
            return await self._render(request, slug, code, language if language in LANGUAGES else "fr", form=form,
                                      status_code=400)
        await wording.save(group["id"], kind.code, language, user_id=current(request).id, **values)
        notice(request, _("The wording is saved. The preview below shows a message as members will receive it."))
        return see_other(f"/committee/{slug}/wording/{kind.code}?language={language}")

    @post("/{code:str}/preview")
    async def preview(self, request: Request, slug: FromPath[str], code: FromPath[str]) -> Template:
        """The preview under the form while the coordinator types (htmx); reads, stores nothing."""
        form = Form(await form_data(request))
        language = form.get("language")
        ensure(language in LANGUAGES)
        return await self._render(request, slug, code, language, form=form, block="preview")

    @post("/{code:str}/reset")
    async def reset(self, request: Request, slug: FromPath[str], code: FromPath[str]) -> Redirect:
        group, _groups = await chosen_group(current(request), slug)
        kind = editable(code)
        form = Form(await form_data(request))
        language = form.choice("language", LANGUAGES)
        ensure(form.ok)
        await wording.reset(group["id"], kind.code, language)
        notice(request, _("The default wording is back."))
        return see_other(f"/committee/{slug}/wording/{kind.code}?language={language}")
