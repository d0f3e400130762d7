"""The Jinja environment: gettext, locale-aware filters and a few globals."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from types import FunctionType
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_eval_context, select_autoescape
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import EvalContext, Expr
from jinja2.runtime import Context
from jinja2.utils import _PassArg
from markupsafe import Markup, _escape_inner, escape

from amap.lib import dates, i18n, money
from amap.lib.assets import Assets
from amap.lib.web import pop_notices


def _money(cents: int) -> str:
    return money.format_cents(cents, i18n.get_language())


def _date(value: date | datetime, style: str = "long") -> str:
    if isinstance(value, datetime):
        value = value.date()
    return dates.format_date(value, i18n.get_language(), style)


def _time(value: time | datetime) -> str:
    if isinstance(value, datetime):
        value = value.timetz()
    return dates.format_time(value, i18n.get_language())


def _datetime(value: datetime, timezone: str = dates.DEFAULT_TIMEZONE) -> str:
    return dates.format_datetime(value, i18n.get_language(), timezone)


def _weekday(number: int) -> str:
    return dates.weekday_name(number, i18n.get_language())


def colon() -> str:
    """A colon as the reader's language writes it: French puts a (non-breaking) space before it."""
    return "\u00a0: " if i18n.get_language() == "fr" else ": "


@pass_eval_context
def _gettext(eval_ctx: EvalContext, message: str, **variables: object) -> str:
    """Jinja's newstyle gettext (escaped, always %-formatted), without its two extra `Context.call`
    hops: a page like the sign-off sheet calls it thousands of times."""
    text = i18n.template_gettext(message)
    if not (variables or "%" in text):
        return Markup(text) if eval_ctx.autoescape else text
    return _formatted(text, variables, eval_ctx.autoescape)


@pass_eval_context
def _ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: object) -> str:
    variables.setdefault("num", num)
    return _formatted(i18n.template_ngettext(singular, plural, num), variables, eval_ctx.autoescape)


def _formatted(text: str, variables: dict[str, object], autoescape: bool) -> str:
    """`text % variables`, the values escaped in an HTML template. An integer needs no escaping: when
    every value is one (counts, places, amounts), the text is formatted at once rather than through
    Markup's escaping helper, which costs a few microseconds a call on lists of fifty rows."""
    if not autoescape:
        return text % variables
    if all(type(value) is int for value in variables.values()):
        return Markup(text % variables)
    return Markup(text) % variables


def nav_section(path: str) -> str:
    """The menu entry a page falls under: the path's first segment ("contracts" for /contracts/3), or
    "messages" for any committee's messages. Read once per page rather than tested for each entry."""
    return "messages" if path.endswith("/messages") else path.split("/", 2)[1]


def _capitalize(text: object) -> str:
    """The first letter up, the rest as it is: Jinja's own lowers the rest ("Tuesday, december 1")."""
    text = str(text)
    return text[:1].upper() + text[1:]


def escape_output(value: Any) -> str:
    """What `{{ value }}` writes in an HTML template: Jinja's `escape`, less its cost. Jinja wraps every
    escaped value in a new Markup (a Python-level constructor, ~0.35 µs), only to join it into the page
    at once; a 300-household sign-off sheet writes 5,000 values. Text is escaped by MarkupSafe's own C
    function, Markup and integers need no escaping, anything else goes through `escape`. Inside a macro
    or `{% set %}` block Jinja still wraps the joined result in Markup."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is Markup:
        return value
    if kind is int:
        return str(value)
    return escape(value)


class _CodeGenerator(CodeGenerator):
    """Compiles an HTML template's `{{ value }}` to `escape_output(value)`; Jinja's own code otherwise."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escape_output(")  # `environment` is a global of every compiled template
        else:
            super()._output_child_pre(node, frame, finalize)


class _Context(Context):
    """A template's context, whose `call` (every `_()`, `colon()`, `static_url()`… of a page: fifty to a
    hundred calls a render) goes straight to a plain function, or one taking the evaluation context.
    Jinja's own first looks for a context-taking `__call__` on the function and reads its marker
    twice; anything else (macros, context-taking functions, callable objects) still goes through it."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's own signature)
        if type(__obj) is not FunctionType:
            return super().call(__obj, *args, **kwargs)
        pass_arg = getattr(__obj, "jinja_pass_arg", None)
        if pass_arg is _PassArg.eval_context:
            args = (__self.eval_ctx, *args)
        elif pass_arg is not None:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)  # Jinja adds these for context-taking functions only
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja answers it
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")


class _Environment(Environment):
    """Jinja looks `row.name` up as an attribute first, raising and catching an AttributeError each time
    before it tries the key, and most of what pages read are rows (dicts): on a list of fifty rows that
    was a tenth of the page's time. Here a dict's key comes first; its methods (`.items()`, `.get()`)
    are still reached when no key has their name."""

    code_generator_class = _CodeGenerator
    context_class = _Context
    escape_output = staticmethod(escape_output)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        # Jinja's own lookup, written out here rather than called: one frame less for every `x.y`.
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


def make_environment(directory: Path, assets: Assets | None = None, *, auto_reload: bool = True) -> Environment:
    """The pages' environment gets `assets` (for `static_url`); the mails' has no static files.
    Without `auto_reload` a template is read once: Jinja otherwise checks every template's file,
    and every import and include, at each render."""
    env = _Environment(
        loader=FileSystemLoader(directory),
        auto_reload=auto_reload,
        autoescape=select_autoescape(["html"]),  # mail bodies (.txt) are plain text
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.template_gettext, i18n.template_ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)  # the same, called directly
    env.filters.update(money=_money, date=_date, time=_time, datetime=_datetime, weekday=_weekday,
                       capitalize=_capitalize)
    env.globals.update(colon=colon, nav_section=nav_section, language=i18n.get_language, LANGUAGES=i18n.LANGUAGES, pop_notices=pop_notices)
    if assets is not None:
        env.globals["static_url"] = assets.url
    return env
