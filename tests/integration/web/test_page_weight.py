"""Pages are light: the CSS and JavaScript a page loads weigh at most 100 KB as they travel (gzipped),
under names that carry their content's hash and are cached for a year; text responses are gzipped.

Each role opens its representative pages on the authorization matrix's world (tests/world.py with
an offer, Alice's subscription, the calendar, a roster, an order window): the member's /me,
/contracts, subscription and roster; the coordinator's sign-off sheet and committee; the farmer's
dashboard and the network coordinator's overview (both with the uPlot chart, the heaviest).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import time_machine
from litestar import Litestar, get
from litestar.exceptions import NotFoundException
from litestar.response import Stream

from amap.lib.assets import COMPRESSION, FINGERPRINTED, Assets
from tests.integration.conftest import login
from tests.integration.orders.producer_world import DURING
from tests.integration.web.test_authz_matrix import objects

# The most CSS and JavaScript one page may make a browser download, compressed as the server sends it.
BUDGET = 100 * 1024

PAGES = {
    "alice": ("/me", "/contracts", "/subscriptions/{subscription_id}", "/roster"),
    "carol": ("/distributions/{distribution_id}/sheet", "/committee"),
    "dan": ("/farm",),
    "nina": ("/network",),
}
ROOT = Path(__file__).resolve().parents[3]
FOREVER = "max-age=31536000"


class LoadedAssets(HTMLParser):
    """The stylesheets and scripts a page loads, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "stylesheet" and found.get("href"):
            self.urls.append(found["href"] or "")
        elif tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")


def loaded(html: str) -> list[str]:
    parser = LoadedAssets()
    parser.feed(html)
    return parser.urls


async def weigh(client: httpx.AsyncClient, path: str) -> dict[str, int]:
    """Each stylesheet and script of the page with the bytes it took on the wire."""
    page = await client.get(path)
    assert page.status_code == 200, path
    sizes = {}
    for url in loaded(page.text):
        response = await client.get(url)
        assert response.status_code == 200, url
        assert FOREVER in response.headers["cache-control"] and "immutable" in response.headers["cache-control"], url
        sizes[url] = response.num_bytes_downloaded
    return sizes


@pytest.mark.parametrize("who", list(PAGES))
async def test_each_page_loads_at_most_100_kb_of_css_and_javascript_under_fingerprinted_names(client, world, who):
    with time_machine.travel(DURING, tick=False):
        params = (await objects(world)).params
        await login(client, f"{who}@example.org")
        for path in PAGES[who]:
            sizes = await weigh(client, path.format(**params))
            assert any(url.endswith(".css") for url in sizes) and any(url.endswith(".js") for url in sizes), path
            assert all(FINGERPRINTED.match(url.removeprefix("/static/")) for url in sizes), sizes
            assert sum(sizes.values()) <= BUDGET, (path, sum(sizes.values()), sizes)


async def test_the_weight_measured_is_what_travels_gzipped(client, world):
    """The farm dashboard, the heaviest page (htmx, Pico, uPlot): a floor as well as the ceiling, so
    the measure cannot pass by weighing nothing. Measured: 68.2 KB gzipped (at level 1), 207 KB as files."""
    with time_machine.travel(DURING, tick=False):
        await objects(world)
        await login(client, "dan@example.org")
        sizes = await weigh(client, "/farm")
        files = 0
        for url in sizes:
            files += len((await client.get(url, headers={"accept-encoding": "identity"})).content)
    assert 40 * 1024 < sum(sizes.values()) <= BUDGET < files
    assert sum(sizes.values()) < files / 3


def stale(url: str) -> str:
    """The same name with another hash: what a page from before a deploy asks for."""
    match = FINGERPRINTED.match(url.removeprefix("/static/"))
    assert match is not None, url
    other = "0123456789" if match["digest"] != "0123456789" else "9876543210"
    return f"/static/{match['stem']}.{other}{match['suffix']}"


async def test_a_fingerprinted_name_is_kept_a_year_and_a_stale_one_is_not_found(client):
    page = await client.get("/login")
    css = next(url for url in loaded(page.text) if "/app." in url)
    fresh = await client.get(css)
    assert fresh.status_code == 200 and fresh.headers["content-type"].startswith("text/css")
    assert fresh.headers["cache-control"] == "max-age=31536000, public, immutable"
    assert fresh.content == (ROOT / "static" / "app.css").read_bytes()
    old = await client.get(stale(css))
    assert old.status_code == 404
    assert "immutable" not in old.headers.get("cache-control", "") and b".skip-link" not in old.content
    head = await client.head(css)
    assert head.status_code == 200 and "immutable" in head.headers["cache-control"] and head.content == b""


async def test_a_plain_name_still_answers_with_a_short_cache(client):
    """The favicon a browser asks for by itself, an old bookmark: served, but only kept an hour."""
    response = await client.get("/static/vendor/htmx-2.0.11.min.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "max-age=3600, public"
    assert (await client.get("/static/no-such-file.css")).status_code == 404
    assert (await client.get("/static/no-such-file.0123456789.css")).status_code == 404


def test_the_hash_follows_the_content(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.min.js").write_text("one")
    first = Assets(tmp_path)
    assert re.fullmatch(r"/static/js/a\.min\.[0-9a-f]{10}\.js", first.url("js/a.min.js"))
    assert first.original(first.url("js/a.min.js").removeprefix("/static/")) == "js/a.min.js"
    assert first.original("js/a.min.js") is None  # a plain name
    (tmp_path / "js" / "a.min.js").write_text("two")
    second = Assets(tmp_path)
    assert second.url("js/a.min.js") != first.url("js/a.min.js")
    with pytest.raises(NotFoundException):
        second.original(first.url("js/a.min.js").removeprefix("/static/"))
    with pytest.raises(KeyError):
        second.url("js/missing.js")


def test_no_template_names_a_static_file_without_its_hash():
    hard_coded = [f"{path.relative_to(ROOT)}: {line.strip()}"
                  for path in sorted((ROOT / "templates").rglob("*.html"))
                  for line in path.read_text().splitlines() if re.search(r"""(href|src)=["']/static/""", line)]
    assert hard_coded == []


async def test_pages_travel_gzipped_and_small_answers_as_they_are(client, world):
    page = await client.get("/login")
    assert page.headers["content-encoding"] == "gzip" and "accept-encoding" in page.headers["vary"].lower()
    assert page.num_bytes_downloaded < len(page.content) / 2 and "<h1>" in page.text
    plain = await client.get("/login", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.num_bytes_downloaded == len(plain.content)
    health = await client.get("/healthz")  # below a kilobyte
    assert "content-encoding" not in health.headers and health.json()["status"] == "ok"


async def test_a_workbook_is_not_gzipped_again_and_a_csv_is(client, world):
    with time_machine.travel(DURING, tick=False):
        await objects(world)  # a season: 26 distribution days to export
        await login(client, "carol@example.org")
        workbook = await client.get("/committee/tilleuls/exports/distributions.xlsx")
        csv = await client.get("/committee/tilleuls/exports/distributions.csv")
    assert workbook.status_code == 200 and "content-encoding" not in workbook.headers
    assert workbook.content[:2] == b"PK" and int(workbook.headers["content-length"]) == len(workbook.content)
    assert csv.status_code == 200 and csv.headers["content-encoding"] == "gzip"
    assert csv.content.startswith("\ufeff".encode()) and csv.headers["content-disposition"].startswith("attachment")


async def test_a_streamed_body_is_gzipped_piece_by_piece_as_litestar_does():
    """Pages come in one piece and are gzipped in one call; a streamed body goes through Litestar's own wrapper."""
    pieces = [f"<p>ligne {n} de la feuille d'émargement</p>".encode() * 40 for n in range(3)]

    @get("/streamed", media_type="text/html")
    async def streamed() -> Stream:
        return Stream(iter(pieces))

    @get("/whole", media_type="text/html")
    async def whole() -> bytes:
        return b"".join(pieces)

    app = Litestar(route_handlers=[streamed, whole], compression_config=COMPRESSION)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        for path in ("/streamed", "/whole"):
            response = await client.get(path, headers={"accept-encoding": "gzip"})
            assert response.headers["content-encoding"] == "gzip" and response.content == b"".join(pieces)
            assert response.num_bytes_downloaded < len(response.content) / 4
        raw = await client.get("/whole", headers={"accept-encoding": "gzip"})
        assert int(raw.headers["content-length"]) == raw.num_bytes_downloaded
