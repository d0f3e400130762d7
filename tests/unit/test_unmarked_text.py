"""Text a person reads is marked for translation: in the templates (text, visible attributes, labels
given to macros) and in the Python messages shown to people (notices, form errors, refusals).

Extraction only finds what is marked; these tests find what is not, so that no page, mail or
message stays in English for a reader of another language."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import nodes

from amap.lib.templating import make_environment

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
ENV = make_environment(TEMPLATES)

ALLOWED = {
    "amap",  # the software's name
    "csv", "xlsx", "json", "ics", "pdf",  # file formats, named alike in every language
}
"""Words written as they are in every language."""

HOLE = "\ue000"  # where an expression's value goes: never a letter
WORD = re.compile(r"[^\W\d_]+")
URL = re.compile(r"(?:https?:/)?/\S*")  # a path in a mail ("/orders/12"), not words
ATTRIBUTE = re.compile(r"""[\w:-]+=(?:"[^"]*"|'[^']*'|\S+)""")  # attributes written by a macro, outside a tag
BOOLEAN_ATTRIBUTES = {"autofocus", "checked", "disabled", "hidden", "multiple", "open", "readonly", "required",
                      "selected", "novalidate", "defer"}
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "aria-description", "aria-roledescription",
                      "aria-valuetext", "alt", "label", "hx-confirm", "hx-prompt", "data-confirm"}
"""Attributes people read (or hear, with a screen reader); `data-label…` ones too (see `visible`)."""
BUTTON_TYPES = {"submit", "button", "reset"}
LABEL_PARAMETERS = {"label", "hint", "blank", "title", "legend", "placeholder"}
"""A macro's parameters that it shows: a literal passed to one must be marked."""


def visible(tag: str, name: str, attributes: dict[str, str | None]) -> bool:
    if name in VISIBLE_ATTRIBUTES or name.startswith("data-label"):
        return True
    return name == "value" and tag == "input" and attributes.get("type") in BUTTON_TYPES


def shown_constants(expression: nodes.Node) -> Iterator[str]:
    """Literal strings an expression outputs as they are: `{{ "Yes" if x else "No" }}`, `{{ x or "none" }}`."""
    if isinstance(expression, nodes.Const) and isinstance(expression.value, str):
        yield expression.value
    elif isinstance(expression, nodes.CondExpr):
        yield from shown_constants(expression.expr1)
        if expression.expr2 is not None:
            yield from shown_constants(expression.expr2)
    elif isinstance(expression, nodes.Or | nodes.And):
        yield from shown_constants(expression.left)
        yield from shown_constants(expression.right)
    elif isinstance(expression, nodes.Concat):
        for part in expression.nodes:
            yield from shown_constants(part)
    elif isinstance(expression, nodes.Filter) and expression.node is not None:
        yield from shown_constants(expression.node)  # "text" | upper shows "text", not the filter's arguments


def macro_signatures(sources: list[str]) -> dict[str, set[int | str]]:
    """Macro name -> the positions and names of its parameters that show text (a label, a hint)."""
    found: dict[str, set[int | str]] = {}
    for source in sources:
        for macro in ENV.parse(source).find_all(nodes.Macro):
            shown = found.setdefault(macro.name, set())
            for index, argument in enumerate(macro.args):
                if argument.name in LABEL_PARAMETERS:
                    shown.update({index, argument.name})
    return found


def skeleton(tree: nodes.Template) -> str:
    """The template's literal text in order, each expression a hole (or its literal strings): HTML
    enough to find which text is visible, whatever the `if` and `for` around it."""
    parts: list[str] = []
    for output in tree.find_all(nodes.Output):
        for child in output.nodes:
            if isinstance(child, nodes.TemplateData):
                parts.append(child.data)
            else:
                parts.append(" ".join(shown_constants(child)) or HOLE)
    return "".join(parts)


def macro_labels(tree: nodes.Template, signatures: dict[str, set[int | str]]) -> Iterator[tuple[str, str]]:
    """Literal strings given to a macro's label or hint: `f.input(form, "email", "E-mail")`."""
    for call in tree.find_all(nodes.Call):
        name = call.node.name if isinstance(call.node, nodes.Name) else getattr(call.node, "attr", None)
        shown = signatures.get(name or "")
        if not shown:
            continue
        given = [(index, value) for index, value in enumerate(call.args)]
        given += [(keyword.key, keyword.value) for keyword in call.kwargs]
        for where, value in given:
            if where in shown:
                for text in shown_constants(value):
                    yield f"{name}(…{where}…)", text


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.hidden = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")
        values = dict(attrs)
        self.found += [(f"<{tag} {name}>", value) for name, value in attrs if value and visible(tag, name, values)]

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.found.append(("text", ATTRIBUTE.sub(" ", data)))


def visible_texts(source: str, html: bool, signatures: dict[str, set[int | str]]) -> list[tuple[str, str]]:
    tree = ENV.parse(source)
    text = skeleton(tree)
    if html:
        parser = _Visible()
        parser.feed(text)
        parser.close()
        found = parser.found
    else:
        found = [("text", text)]
    return found + list(macro_labels(tree, signatures))


def unmarked_words(text: str) -> list[str]:
    text = URL.sub(" ", text.replace(HOLE, " "))
    return [word for word in WORD.findall(text)
            if word.casefold() not in ALLOWED and word.casefold() not in BOOLEAN_ATTRIBUTES]


def template_problems(sources: dict[str, str]) -> list[str]:
    signatures = macro_signatures(list(sources.values()))
    problems = []
    for name, source in sources.items():
        for where, text in visible_texts(source, not name.endswith(".txt"), signatures):
            if words := unmarked_words(text):
                problems.append(f"{name}: {where}: {' '.join(text.replace(HOLE, '…').split())[:80]!r} ({words})")
    return problems


def all_templates() -> dict[str, str]:
    return {str(path.relative_to(TEMPLATES)): path.read_text(encoding="utf-8")
            for path in sorted(TEMPLATES.rglob("*")) if path.suffix in (".html", ".txt")}


def test_every_visible_text_in_the_templates_is_marked_for_translation():
    sources = all_templates()
    assert len(sources) > 100
    problems = template_problems(sources)
    assert problems == [], "wrap in {{ _(\"…\") }}:\n" + "\n".join(problems)


def test_the_template_check_finds_unmarked_text():
    """The check above can fail: each of these is a different way to leave English on a page."""
    forms = '{% macro input(form, name, label, hint=None) %}<label>{{ label }}</label>{% endmacro %}'
    cases = {
        "text.html": "<p>{{ _('Kept') }} Forgotten</p>",
        "title.html": '<a href="/x" title="Forgotten">{{ _("Kept") }}</a>',
        "button.html": '<input type="submit" value="Forgotten">',
        "cell.html": '<td data-label="Forgotten">1</td>',
        "literal.html": "<p>{{ 'Forgotten' if x else _('Kept') }}</p>",
        "macro.html": '{{ f.input(form, "email", "Forgotten") }}{{ f.input(form, "n", _("Kept"), hint="Forgotten") }}',
        "mail.txt": "{{ _('Kept') }}\nForgotten: {{ url }}/orders/{{ id }}\n",
        "script.html": '<script src="/a.js">var forgotten = 1;</script>',  # not shown: no problem
        "fine.html": '<p class="note" id="x" data-testid="y">{{ _("Kept") }} · 12 € {{ n }}/amap</p>',
    }
    problems = template_problems({"forms.html": forms, **cases})
    assert sorted(problem.split(":")[0] for problem in problems) == [
        "button.html", "cell.html", "literal.html", "macro.html", "macro.html", "mail.txt", "text.html",
        "title.html"]
    assert all("Forgotten" in problem for problem in problems)


# Python: the messages shown to people.

MARKED = {"_", "_l", "gettext", "ngettext", "lazy_gettext"}
LETTERS = re.compile(r"[^\W\d_]{2,}")
MESSAGE_FUNCTIONS = {"notice": 1, "error": 1, "problem": 1, "labelled": 1}
"""Helpers that show their argument: notice(request, message), form.error(name, message),
row.problem(column, message), labelled(column, message)."""
LITESTAR_MESSAGES = {"NotFoundException", "PermissionDeniedException", "ClientException", "HTTPException",
                     "ValidationException", "NotAuthorizedException"}
"""Their detail is shown on the error page (a 404's own sentence) or, for `Refused`, always."""
TEXT_PARAMETERS = {"message", "detail", "label", "header", "title", "errors"}
"""A constructor's parameters that hold text for people (an exception's message, a column's header)."""
NOT_FOR_PEOPLE = {"BackupError", "SendError", "_Undo", "AlreadySent"}
"""Exceptions read by the operator (the command line, the logs), or carrying no text."""
SKIPPED = ("api/",)
"""The JSON API answers programs, in English, whatever the language."""


def unmarked(node: ast.expr) -> bool:
    """A literal with words in it, not inside _() — "…" % x and f"…" included."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and LETTERS.search(node.value) is not None
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.Constant) and LETTERS.search(part.value) for part in node.values)
    if isinstance(node, ast.BinOp):
        return unmarked(node.left) or unmarked(node.right)
    if isinstance(node, ast.IfExp):
        return unmarked(node.body) or unmarked(node.orelse)
    if isinstance(node, ast.Dict):  # errors={"field": "message"}
        return any(unmarked(value) for value in node.values)
    return False


def _parameters(cls: ast.ClassDef) -> list[str]:
    """The constructor's parameters: `__init__`'s, else a dataclass's (or struct's) fields."""
    init = next((item for item in cls.body if isinstance(item, ast.FunctionDef) and item.name == "__init__"), None)
    if init is not None:
        return [argument.arg for argument in init.args.args[1:]]
    return [item.target.id for item in cls.body if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)]


def text_classes(modules: dict[str, ast.Module]) -> dict[tuple[str, str], set[int | str]]:
    """(module, class) -> positions and names of the constructor's text parameters, for our exceptions
    (and their subclasses) and for the classes taking a `label`, `header` or `title`."""
    classes = {(module, node.name): node for module, tree in modules.items()
               for node in tree.body if isinstance(node, ast.ClassDef)}
    exceptions = {"Exception", "ValueError", "ClientException"}
    while True:
        found = {name for (_module, name), cls in classes.items()
                 if {base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in cls.bases}
                 & exceptions}
        if found <= exceptions:
            break
        exceptions |= found
    shown: dict[tuple[str, str], set[int | str]] = {}
    by_name = {name: cls for (_module, name), cls in classes.items()}
    for (module, name), cls in classes.items():
        parameters, base = _parameters(cls), cls
        while not parameters and base.bases and getattr(base.bases[0], "id", None) in by_name:
            base = by_name[base.bases[0].id]  # StockShort(OrderError) takes OrderError's errors
            parameters = _parameters(base)
        extra: set[int | str] = set()
        if name in exceptions:
            if name in NOT_FOR_PEOPLE:
                continue
            parameters = parameters or ["message"]  # Exception(message), or ClientException(detail=…)
            extra = {"detail"}
        elif not set(parameters) & TEXT_PARAMETERS:
            continue
        texts = {index for index, parameter in enumerate(parameters) if parameter in TEXT_PARAMETERS}
        shown[module, name] = (texts or {0}) | (set(parameters) & TEXT_PARAMETERS) | extra
    return shown


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def python_problems(modules: dict[str, ast.Module]) -> list[str]:
    classes = text_classes(modules)
    problems = []
    for module, tree in modules.items():
        if module.removeprefix("amap.").replace(".", "/").startswith(SKIPPED):
            continue
        names = {name: shown for (where, name), shown in classes.items() if where == module}  # defined here
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.update({alias.asname or alias.name: classes[node.module, alias.name]
                              for alias in node.names if (node.module, alias.name) in classes})
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
            if name in names:
                shown = names[name]
            elif name in MESSAGE_FUNCTIONS:
                shown = {MESSAGE_FUNCTIONS[name], "message"}
            elif name in LITESTAR_MESSAGES:
                shown = {0, "detail"}
            else:
                continue
            given = [(index, value) for index, value in enumerate(call.args)]
            given += [(keyword.arg, keyword.value) for keyword in call.keywords]
            for where, value in given:
                if where in shown and unmarked(value):
                    problems.append(f"{module}:{call.lineno}: {name}(… {ast.unparse(value)[:80]} …)")
    return problems


def project_modules() -> dict[str, ast.Module]:
    paths = [*sorted((ROOT / "amap").rglob("*.py")), *sorted((ROOT / "jobs").rglob("*.py"))]
    return {_module_name(path): ast.parse(path.read_text(encoding="utf-8"), str(path))
            for path in paths if "piccolo_migrations" not in path.parts}


def test_every_message_shown_to_people_in_python_is_marked_for_translation():
    problems = python_problems(project_modules())
    assert problems == [], "wrap in _(\"…\"):\n" + "\n".join(problems)


def test_the_python_check_finds_unmarked_messages():
    source = '''
from litestar.exceptions import NotFoundException
from amap.lib.web import Refused, notice

class Problem(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)

class Column:
    key: str
    label: str

def handler(request, form, name):
    notice(request, "Forgotten")
    notice(request, _("Kept"))
    form.error("email", f"Forgotten {name}")
    raise Problem("field_name", "Forgotten")
    raise Problem("field_name", _l("Kept"))
    raise Refused("Forgotten")
    raise NotFoundException(detail="Forgotten")
    Column("key_name", "Forgotten")
    Column("key_name", label=_l("Kept"))
    raise KeyError("internal, not shown")
'''
    modules = {"amap.lib.web": ast.parse("class Refused(ClientException):\n    pass\n"),
               "amap.example": ast.parse(source)}
    problems = python_problems(modules)
    assert len(problems) == 6, problems
    assert all("Forgotten" in problem for problem in problems)
