"""Colour never says a thing alone: every status badge of every page holds its word.

The pages are the authorization matrix's, opened by each role on the test world (paid, overdue
and waiting contracts, the roster grid's full and missing slots, deliveries, orders): a badge is
a coloured frame, so a badge without text (or one whose only text is hidden from sight) would be
a state told by colour alone. Messages (`.flash`) and the pieces of state the stylesheet colours
(`.cancelled`, `.excess`) must carry text too.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import time_machine

from tests.integration.orders.producer_world import DURING
from tests.integration.web.test_authz_matrix import ROLES, api  # noqa: F401
from tests.integration.web.test_hostile_forms import pages_seen_by

COLOURED = {"badge", "flash", "cancelled", "excess"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class ColouredThings(HTMLParser):
    """Each element with a class that colours it: its class and the text it shows (not counting
    text inside .visually-hidden or [hidden] children, which sighted readers do not see)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []  # (class, text, the tag as written)
        self._stack: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        attr = {k: v or "" for k, v in attrs}
        classes = set(attr.get("class", "").split())
        unseen = "visually-hidden" in classes or "hidden" in attr or attr.get("aria-hidden") == "true"
        self._stack.append({"tag": tag, "coloured": sorted(classes & COLOURED), "text": "",
                            "unseen": unseen or any(item["unseen"] for item in self._stack),
                            "raw": self.get_starttag_text() or tag})

    def handle_data(self, data: str) -> None:
        for item in self._stack:
            if not self._stack[-1]["unseen"] or item["unseen"]:
                item["text"] += data

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            item = self._stack.pop()
            if item["coloured"]:
                self.found.append((" ".join(item["coloured"]), " ".join(item["text"].split()), item["raw"]))
            if item["tag"] == tag:
                return


@pytest.mark.parametrize("who", ROLES)
async def test_every_badge_and_coloured_state_says_its_meaning_in_words(client, api, world, who):  # noqa: F811
    silent: list[str] = []
    badges = 0
    with time_machine.travel(DURING, tick=False):
        async for path, _address, text in pages_seen_by(client, api, world, who):
            parser = ColouredThings()
            parser.feed(text)
            parser.close()
            for classes, text, raw in parser.found:
                badges += "badge" in classes
                if not text:
                    silent.append(f"{path}: {raw} ({classes}) has no text")
    assert badges > 0 or who in ("anonymous", "nina")  # the network pages have no status badge
    assert silent == []


def test_the_check_finds_a_badge_told_by_colour_alone():
    parser = ColouredThings()
    parser.feed('<p><span class="badge badge-pending"></span> <span class="badge badge-active">paid</span>'
                '<span class="badge badge-left"><span class="visually-hidden">ended</span></span>'
                '<span class="badge badge-pending" hidden>waiting</span></p>')
    found = {raw: text for _classes, text, raw in parser.found}
    assert found == {'<span class="badge badge-pending">': "", '<span class="badge badge-active">': "paid",
                     '<span class="badge badge-left">': "", '<span class="badge badge-pending" hidden>': "waiting"}
