"""What is measured: the pages of the issue, who opens each, its target; logging each role in, and
checking each page answers 200 before it is loaded (a page that does not is reported, not measured)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlsplit

import httpx

PASSWORD = "amap-demo"
LOGINS = {
    "member": "member@example.org",
    "coordinator": "coordinator@example.org",
    "farmer": "farmer@example.org",
    "network": "network@example.org",
    "producer": "producer@example.org",
    "admin": "admin@example.org",
}


@dataclass(frozen=True)
class Page:
    name: str  # as shown in the report, ids left as {placeholders}
    role: str  # a key of LOGINS, or "api" (member@'s bearer token)
    candidates: tuple  # URLs to try in order, each alone or as (another role, URL); the first answering 200 is measured
    target_ms: float | None = None  # the p95 target (PostgreSQL, 1 worker, 4 connections)
    paginated: bool = False  # also measure the last page when the page links to further ones
    url: str = ""  # the candidate chosen


def catalogue(ids: dict) -> list[Page]:
    """The issue's pages, in report order, with the ids of the large demo filled in."""
    g, offer, window = ids["group_slug"], ids["offer"], ids["producer_window"]
    return [
        Page("/me", "member", ("/me",), 25),
        Page("/contracts", "member", ("/contracts",), 25),
        Page("/subscriptions/{id}", "member", (f"/subscriptions/{ids['subscription']}",), 25),
        Page("/distributions/{id}", "member", (f"/distributions/{ids['next_distribution']}",), 25),
        Page("/roster", "member", ("/roster",), 25),
        Page("/distributions/{id}/sheet", "coordinator", (f"/distributions/{ids['sheet_distribution']}/sheet",), 100),
        Page("/farm", "farmer", (f"/farm?farm={ids['farm_slug']}",), 100),
        Page("/committee (member list)", "coordinator", (f"/committee/{g}/members", f"/committee?group={g}"), 50, True),
        # The lists that grow with a group; the first URL that answers 200 is measured (the report
        # shows which), with its last page when it links to further ones.
        Page("subscriptions list", "coordinator",
             (f"/committee/{g}/subscriptions", f"/offers/{offer}/subscriptions", f"/offers/{offer}/payments"), 50, True),
        Page("payments list", "coordinator",
             (f"/committee/{g}/payments", f"/offers/{offer}/payments/history", f"/committee/{g}/balances"), 50, True),
        Page("cheques to hand over", "coordinator", (f"/offers/{offer}/remittances",), 50),
        Page("roster list", "coordinator", (f"/committee/{g}/roster",), 50, True),
        Page("orders list", "producer",
             (f"/farm/windows/{window}/orders", ("coordinator", f"/committee/{g}/orders"),
              f"/farm/windows/{window}/picking"), 50, True),
        Page("/network", "network", ("/network",), 300),
        Page("/network/demand", "network", ("/network/demand",), 300),
        Page("/orders/{id}", "member", (f"/orders/{ids['open_window']}",) if ids.get("open_window") else ()),
        Page("/api/v1/distributions", "api", ("/api/v1/distributions",)),
    ]


def login(base_url: str, email: str) -> dict[str, str]:
    """Log in like a browser (GET /login for the CSRF cookie, POST the form); the Cookie header to reuse."""
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=30) as client:
        client.get("/login")
        token = client.cookies.get("csrftoken") or ""
        response = client.post("/login", data={"email": email, "password": PASSWORD, "_csrf_token": token})
        if response.status_code != 303:
            raise RuntimeError(f"login of {email} answered {response.status_code}: {response.text[:300]}")
        # As a browser sends it: pages are gzipped, and that is part of what a page costs.
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in client.cookies.items()),
                "Accept-Encoding": "gzip"}


def role_headers(base_url: str, api_token: str) -> dict[str, dict[str, str]]:
    headers = {role: login(base_url, email) for role, email in LOGINS.items()}
    headers["api"] = {"Authorization": f"Bearer {api_token}", "Accept": "application/json", "Accept-Encoding": "gzip"}
    return headers


def resolve(base_url: str, pages: list[Page], headers: dict[str, dict[str, str]]) -> tuple[list[Page], list[dict]]:
    """The pages to measure (first candidate answering 200, plus its last page when it has several),
    and those that could not be (with the status of each candidate)."""
    chosen, missing = [], []
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=60) as client:
        for page in pages:
            statuses = {}
            for candidate in page.candidates:
                role, url = candidate if isinstance(candidate, tuple) else (page.role, candidate)
                response = client.get(url, headers=headers[role])
                statuses[url] = response.status_code
                if response.status_code == 200:
                    found = replace(page, role=role, url=url)
                    chosen.append(found)
                    if page.paginated:
                        last = last_page(client, url, response.text, headers[role])
                        if last:
                            chosen.append(replace(found, name=f"{page.name} (last page)", url=last))
                    break
            else:
                missing.append({"page": page.name, "role": page.role, "statuses": statuses})
    return chosen, missing


PAGE_LINK = re.compile(r'href="([^"]*[?&](?:amp;)?page=(\d+)[^"]*)"')


def page_links(text: str, path: str) -> list[tuple[int, str]]:
    """(number, URL) of every link to a page of the same list."""
    links = []
    for href, number in PAGE_LINK.findall(text):
        href = html.unescape(href)
        if urlsplit(href).path in ("", path):
            links.append((int(number), href if href.startswith("/") else f"{path}{href}"))
    return links


def with_page(url: str, number: int) -> str:
    return re.sub(r"([?&])page=\d+", rf"\g<1>page={number}", url)


def last_page(client: httpx.Client, url: str, text: str, headers: dict[str, str]) -> str | None:
    """The last page of a paginated list, when its first page links to further ones: the highest page
    number answering 200 (doubling, then halving the gap; a page beyond the last is a 404), checked
    to link to no higher page, else reached by following the highest `page=` link one page at a time."""
    path = urlsplit(url).path
    higher = [link for link in page_links(text, path) if link[0] > page_number(url)]
    if not higher:
        return None
    good, template = max(higher)

    def answers(number: int) -> httpx.Response | None:
        response = client.get(with_page(template, number), headers=headers)
        return response if response.status_code == 200 else None

    bad = good * 2
    while bad < 10**6 and answers(bad):
        good, bad = bad, bad * 2
    while bad - good > 1:
        middle = (good + bad) // 2
        good, bad = (middle, bad) if answers(middle) else (good, middle)
    here = with_page(template, good)
    for _ in range(500):
        response = client.get(here, headers=headers)
        if response.status_code != 200:
            return None
        further = [link for link in page_links(response.text, path) if link[0] > page_number(here)]
        if not further:
            return here
        here = max(further)[1]
    return here


def page_number(url: str) -> int:
    values = parse_qs(urlsplit(url).query).get("page", ["1"])
    return int(values[0]) if values[0].isdigit() else 1


def printable_sheets_url(ids: dict) -> str | None:
    """The page printing every group's sheet of one delivery date, when the app has one: its route
    with the coming date on which most groups distribute (and the network or group) filled in."""
    day = ids["busiest_day"]
    for route in ids.get("printable_sheets_routes", []):
        url, fillable, dated = route, True, False
        for placeholder in re.findall(r"\{[^}]+\}", route):
            name, _, kind = placeholder.strip("{}").partition(":")
            if kind == "date" or name in ("day", "date"):
                url, dated = url.replace(placeholder, day), True
            elif kind == "str" and route.startswith("/network") and ids.get("network_slug"):
                url = url.replace(placeholder, ids["network_slug"])
            elif kind == "str":
                url = url.replace(placeholder, ids["group_slug"])
            else:
                fillable = False
        if fillable:
            return url if dated else f"{url}?date={day}&day={day}"
    return None
