"""The pages' templates write `{{ value }}` through amap's own escape (amap.lib.templating): the HTML
must be exactly what Jinja's escaping writes, for every kind of value a page shows."""

from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup

from amap.lib.templating import make_environment

TEMPLATES = {
    "value.html": "<p title=\"{{ value }}\">{{ value }}</p>",
    "in_a_macro.html": "{% macro show(v) %}<b>{{ v }}</b>{% endmacro %}{{ show(value) }}{{ show(value) }}",
    "in_a_set_block.html": "{% set shown %}<i>{{ value }}</i>{% endset %}{{ shown }}|{{ shown|length }}",
    "filtered.html": "{{ value|string|upper }} {{ value|e }} {{ value ~ '&' }}",
    "plain.txt": "{{ value }}",
}
VALUES = ["Foyer André", "<script>alert('x') & \"y\"</script>", Markup("<em>déjà sûr</em>"), 12, -3, 0, 2.5,
          True, None, ["<a>", 1], {"k": "<v>"}, "", b"<bytes>"]


def _ours() -> Environment:
    env = make_environment(Path("templates"))
    env.loader = DictLoader(TEMPLATES)
    return env


@pytest.mark.parametrize("name", sorted(TEMPLATES))
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_every_kind_of_value_is_written_as_jinja_writes_it(name, value):
    jinja = Environment(loader=DictLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    assert _ours().get_template(name).render(value=value) == jinja.get_template(name).render(value=value)


def test_text_is_escaped_and_markup_is_not():
    page = _ours().get_template("value.html")
    assert page.render(value="<b>\"&'") == "<p title=\"&lt;b&gt;&#34;&amp;&#39;\">&lt;b&gt;&#34;&amp;&#39;</p>"
    assert page.render(value=Markup("<b>ok</b>")) == "<p title=\"<b>ok</b>\"><b>ok</b></p>"


GETTEXT = {
    "gettext.html": "{{ _('Zz %(who)s & <b>%(num)s</b>', who=value, num=3) }}|{{ _('Zz 100%% & <b>') }}"
                    "|{{ _('Zz %(num)s <b>', num=value) }}",
    "ngettext.html": "{{ ngettext('Zz %(num)s <b>one</b>', 'Zz %(num)s <b>many</b> %(who)s', 2, who=value) }}"
                     "|{{ ngettext('Zz %(num)s <b>one</b>', 'Zz %(num)s <b>many</b>', count) }}",
}


@pytest.mark.parametrize("name", sorted(GETTEXT))
@pytest.mark.parametrize("value", [value for value in VALUES if not isinstance(value, bytes)], ids=repr)
def test_translated_text_with_values_of_every_kind_is_written_as_jinja_writes_it(name, value):
    """Integers are formatted without Markup's escaping helper (amap.lib.templating._formatted)."""
    jinja = Environment(loader=DictLoader(GETTEXT), autoescape=select_autoescape(["html"]),
                        extensions=["jinja2.ext.i18n"])
    jinja.install_null_translations(newstyle=True)
    ours = _ours()
    ours.loader = DictLoader(GETTEXT)
    for count in (1, 2):
        assert (ours.get_template(name).render(value=value, count=count)
                == jinja.get_template(name).render(value=value, count=count))


CALLS = ("{% macro m(v) %}[{{ v }}]{% endmacro %}"
         "{% for item in items %}{{ plain(item) }} {{ with_eval(item) }} {{ with_context(item) }} {{ m(item) }}"
         " {{ callable_object(item) }} {{ stops() is undefined }};{% endfor %}"
         "{% block inner %}{{ plain(1) }} {{ with_context(2) }}{% endblock %}")


def test_every_kind_of_callable_is_called_as_jinja_calls_it():
    """Plain functions and those taking the evaluation context are called directly (amap.lib.templating._Context)."""
    from jinja2 import pass_context, pass_eval_context

    def plain(value):
        return f"<p{value}>"

    @pass_eval_context
    def with_eval(eval_ctx, value):
        return f"{value}:{eval_ctx.autoescape}"

    @pass_context
    def with_context(context, value):
        return f"{value}:{context.get('items')[0]}"

    class CallableObject:
        def __call__(self, value):
            return value * 2

    def stops():
        raise StopIteration

    names = {"plain": plain, "with_eval": with_eval, "with_context": with_context,
             "callable_object": CallableObject(), "stops": stops, "items": ["<a>", 2]}
    jinja = Environment(loader=DictLoader({"calls.html": CALLS}), autoescape=select_autoescape(["html"]))
    ours = _ours()
    ours.loader = DictLoader({"calls.html": CALLS})
    assert ours.get_template("calls.html").render(**names) == jinja.get_template("calls.html").render(**names)
