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
