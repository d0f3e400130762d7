"""Score every page of the URL map with Lighthouse (mobile) as the role that opens it; write docs/lighthouse.md.

    .venv/bin/python -m tests.perf.lighthouse [--size small|large] [--only TEXT,...] [--runs 1]

Lighthouse comes from the npm registry, pinned in tests/perf/lighthouse/package.json (installed there
with `npm ci` when missing; 12.x, as 13 needs Node 22 and Debian 12 has 18), and drives Debian's
/usr/bin/chromium. The app is `amap serve` on the demo in a fresh temporary data folder; each role logs
in like a browser and its session cookie reaches Lighthouse as an extra header. Pages run one after the
other (a page takes 15-30 s). Targets: performance 0.95, accessibility and best practices 1.00. Raw
scores go to docs/lighthouse/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from tests.perf.pages import LOGINS, login
from tests.perf.report import _cpu_model, _os_name, _ram_gb
from tests.perf.servers import ROOT, large_database, serving

HERE = Path(__file__).with_name("lighthouse")
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0}
METRICS = {"first-contentful-paint": "FCP", "largest-contentful-paint": "LCP", "total-blocking-time": "TBT",
           "cumulative-layout-shift": "CLS", "speed-index": "SI"}
SCORED_MODES = ("binary", "numeric", "metricSavings")


@dataclass(frozen=True)
class Page:
    name: str  # the URL map's entry, ids as {placeholders}
    role: str | None  # a key of LOGINS; None for an anonymous visitor
    steps: tuple[str, ...]  # a URL, then patterns of the links to follow from each page to the next


SLUG, ID = r"[\w-]+", r"\d+"

PAGES = (
    Page("/", None, ("/",)),
    Page("/groups/{slug}", None, ("/", rf"/groups/{SLUG}")),
    Page("/networks/{slug}", None, ("/", rf"/networks/{SLUG}")),
    Page("/producers/{slug}", None, ("/", rf"/producers/{SLUG}")),
    Page("/login", None, ("/login",)),
    Page("/password/reset", None, ("/password/reset",)),
    Page("/me", "member", ("/me",)),
    Page("/contracts", "member", ("/contracts",)),
    Page("/contracts/{id}", "member", ("/contracts", rf"/contracts/{ID}")),
    Page("/contracts/{id}/subscribe", "member", ("/contracts", rf"/contracts/{ID}/subscribe")),
    Page("/subscriptions/{id}", "member", ("/me", rf"/subscriptions/{ID}")),
    Page("/distributions", "member", ("/distributions",)),
    Page("/distributions/{id}", "member", ("/me", rf"/distributions/{ID}")),
    Page("/roster", "member", ("/roster",)),
    Page("/orders", "member", ("/orders",)),
    Page("/orders/{id}", "member", ("/orders", rf"/orders/{ID}")),
    Page("/profile", "member", ("/profile",)),
    Page("/farm", "farmer", ("/farm",)),
    Page("/deliveries/{id}/announcement", "farmer", ("/farm", rf"/deliveries/{ID}/announcement")),
    Page("/subscriptions/{id}", "farmer",
         ("/farm", rf"/offers/{ID}/manage", rf"/offers/{ID}/ledger", rf"/subscriptions/{ID}")),
    Page("/farm", "producer", ("/farm",)),
    Page("/farm/windows/{id}", "producer", ("/farm", rf"/farm/windows/{ID}")),
    Page("/committee", "coordinator", ("/committee",)),
    Page("/committee/{slug}/roster", "coordinator", ("/committee", rf"/committee/{SLUG}/roster")),
    Page("/offers/{id}/payments", "coordinator",
         ("/committee", rf"/committee/{SLUG}/contracts", rf"/offers/{ID}/payments")),
    Page("/subscriptions/{id}", "coordinator",
         ("/committee", rf"/committee/{SLUG}/contracts", rf"/offers/{ID}/ledger", rf"/subscriptions/{ID}")),
    Page("/distributions/{id}/sheet", "coordinator", ("/committee", rf"/distributions/sheet\?group={SLUG}")),
    Page("/roster", "coordinator", ("/roster",)),
    Page("/network", "network", ("/network",)),
    Page("/network/demand", "network", ("/network", rf"/network/demand\?network={SLUG}")),
    Page("/admin", "admin", ("/admin",)),
)


def say(text: str) -> None:
    print(text, flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.lighthouse", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("small", "large"), default="small",
                        help="the demo to serve (default small: AMAP des Lilas; large: a network of 20 groups)")
    parser.add_argument("--only", help="score only the pages whose name contains one of these comma-separated "
                                       "texts, or opened by one of these roles (anonymous, member, farmer...)")
    parser.add_argument("--runs", type=int, default=1,
                        help="Lighthouse runs per page; the run with the median performance score is kept")
    parser.add_argument("--output", type=Path, default=ROOT / "docs",
                        help="folder receiving lighthouse.md and lighthouse/results.json (default docs/)")
    parser.add_argument("--report-only", action="store_true",
                        help="only write lighthouse.md again from the results.json already there")
    return parser.parse_args(argv)


def apt_install(*packages: str) -> None:
    say(f"Installing {' '.join(packages)} with apt-get")
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*prefix, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", *packages],
                   check=True, stdout=subprocess.DEVNULL)


def ensure_tools() -> None:
    """Debian's chromium, node and npm (apt-get when missing), then the pinned Lighthouse (`npm ci`)."""
    missing = [package for package, path in (("chromium", CHROMIUM), ("nodejs", "node"), ("npm", "npm"))
               if not shutil.which(path)]
    if missing:
        apt_install(*missing)
    if not LIGHTHOUSE.exists():
        say("Installing Lighthouse into tests/perf/lighthouse/node_modules (npm ci)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)


def locate(client: httpx.Client, page: Page) -> tuple[str | None, str]:
    """The page's URL found by following its links from its first URL; (None, why) when a step fails."""
    url = page.steps[0]
    for pattern in page.steps[1:]:
        response = client.get(url, follow_redirects=True)
        here = urlsplit(str(response.url))
        base = here.path + (f"?{here.query}" if here.query else "")
        hrefs = [urljoin(base, href.replace("&amp;", "&"))
                 for href in re.findall(r'href="([^"#]+)[^"]*"', response.text)]
        found = next((href for href in hrefs if re.fullmatch(pattern, href)), None)
        if found is None:
            return None, f"no link matching {pattern} on {url} ({response.status_code})"
        url = found
    response = client.get(url, follow_redirects=True)
    final = urlsplit(str(response.url))
    url = final.path + (f"?{final.query}" if final.query else "")
    if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
        return None, f"{url} answered {response.status_code} {response.headers.get('content-type', '')}"
    return url, ""


def run_lighthouse(url: str, headers: dict[str, str], folder: Path) -> dict:
    """One Lighthouse run (mobile, the default form factor) in a fresh Chromium; its report (LHR)."""
    output = folder / "report.json"
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={output}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
               "--max-wait-for-load=60000"]
    if headers:
        command.append(f"--extra-headers={json.dumps(headers)}")
    done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0 or not output.exists():
        raise RuntimeError(f"lighthouse exited {done.returncode}: {done.stderr[-1500:]}")
    report = json.loads(output.read_text())
    output.unlink()
    final = urlsplit(report.get("finalDisplayedUrl", ""))
    wanted = urlsplit(url)
    if (final.path, final.query) != (wanted.path, wanted.query):  # e.g. sent to /login: the cookie did not work
        raise RuntimeError(f"Lighthouse ended on {final.path}?{final.query}, not {wanted.path}?{wanted.query}")
    return report


def measure(url: str, headers: dict[str, str], folder: Path, runs: int) -> list[dict]:
    """`runs` Lighthouse runs; when a single run falls under the performance target, two more, so that
    the median of three is kept (the score moves with the machine's load: other work shares its cores)."""
    reports = [run_lighthouse(url, headers, folder) for _ in range(runs)]
    if runs == 1 and (reports[0]["categories"]["performance"]["score"] or 0) < TARGETS["performance"]:
        reports += [run_lighthouse(url, headers, folder) for _ in range(2)]
    return reports


def failing_audits(report: dict, base_url: str) -> list[dict]:
    """Per category: the weighted audits that lost points (accessibility, best practices), and for
    performance the metrics scoring under 0.9 and the suggestions scoring under 0.9."""
    failing = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score, mode = audit.get("score"), audit.get("scoreDisplayMode")
            if score is None or mode not in SCORED_MODES:
                continue
            if category == "performance":
                lost = score < 0.9
            else:
                lost = ref["weight"] > 0 and score < 1
            if lost:
                failing.append({"category": category, "id": audit["id"], "title": audit["title"],
                                "score": score, "value": audit.get("displayValue", ""),
                                "items": [item.replace(base_url, "") for item in items_of(audit)]})
    return failing


def items_of(audit: dict, limit: int = 5) -> list[str]:
    """What an audit points at: element selectors, URLs or script locations, a few of them."""
    found = []
    for item in ((audit.get("details") or {}).get("items") or [])[:limit]:
        if not isinstance(item, dict):
            continue
        node, source = item.get("node") or {}, item.get("source") or {}
        text = node.get("selector") or node.get("snippet") or item.get("url") or source.get("url") or ""
        if isinstance(text, str) and text:
            found.append(text)
    return found


def summarise(page: Page, url: str, reports: list[dict], base_url: str) -> dict:
    """The run with the median performance score: its scores, metrics and failing audits."""
    reports = sorted(reports, key=lambda r: r["categories"]["performance"]["score"] or 0)
    report = reports[(len(reports) - 1) // 2]
    scores = {category: report["categories"][category]["score"] for category in CATEGORIES}
    return {
        "page": page.name, "role": page.role or "anonymous", "url": url, "scores": scores,
        "performance_runs": [r["categories"]["performance"]["score"] for r in reports],
        "metrics": {short: report["audits"][audit].get("displayValue", "") for audit, short in METRICS.items()},
        "passes": all(scores[c] is not None and scores[c] >= TARGETS[c] for c in CATEGORIES),
        "failing": failing_audits(report, base_url),
        "warnings": report.get("runWarnings", []),
        "benchmark_index": report["environment"].get("benchmarkIndex"),
        "lighthouse": report["lighthouseVersion"], "axe": report["environment"].get("credits", {}).get("axe-core"),
        "user_agent": report["environment"].get("networkUserAgent"),
    }


def version_of(*command: str) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.strip()
    except OSError:
        return "?"


def machine() -> dict:
    return {"cpu": _cpu_model(), "cpus": os.cpu_count(), "ram_gb": _ram_gb(), "os": _os_name(),
            "python": platform.python_version(), "node": version_of("node", "--version"),
            "chromium": version_of(CHROMIUM, "--version")}


def score_pages(args: argparse.Namespace) -> dict:
    only = args.only.split(",") if args.only else []
    pages = [p for p in PAGES if not only or any(text in p.name or text == (p.role or "anonymous") for text in only)]
    started = time.perf_counter()
    say(f"Building the {args.size} demo")
    with large_database("sqlite", size=args.size) as database, serving(database, "amap", 1) as server:
        roles = {p.role for p in pages}
        headers = {role: login(server.url, email) for role, email in LOGINS.items() if role in roles}
        headers[None] = {}
        results, missing = [], []
        with tempfile.TemporaryDirectory(prefix="amap-lighthouse-") as scratch:
            for number, page in enumerate(pages, 1):
                position = server.log_position()
                with httpx.Client(base_url=server.url, headers=headers[page.role], timeout=60) as client:
                    url, why = locate(client, page)
                label = f"[{number}/{len(pages)}] {page.name} ({page.role or 'anonymous'})"
                if url is None:
                    if error := server.errors_since(position):
                        why += f": {error.splitlines()[-1][:300]}"
                    say(f"{label}: not found: {why}")
                    missing.append({"page": page.name, "role": page.role or "anonymous", "why": why})
                    continue
                try:
                    reports = measure(server.url + url, headers[page.role], Path(scratch), args.runs)
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    say(f"{label} {url}: {error}")
                    missing.append({"page": page.name, "role": page.role or "anonymous", "why": str(error)[:500]})
                    continue
                row = summarise(page, url, reports, server.url)
                results.append(row)
                scores = "  ".join(f"{c} {row['scores'][c]:.2f}" for c in CATEGORIES)
                lost = ", ".join(sorted({a["id"] for a in row["failing"] if a["category"] != "performance"}))
                verdict = "" if row["passes"] else "  BELOW TARGET"
                say(f"{label} {url}: {scores}{verdict}{f'  ({lost})' if lost else ''}")
    first = results[0] if results else {}
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": shlex.join([".venv/bin/python", "-m", "tests.perf.lighthouse", *sys.argv[1:]]),
        "demo": args.size, "runs_per_page": args.runs, "targets": TARGETS,
        "machine": {**machine(), "lighthouse": first.get("lighthouse"), "axe_core": first.get("axe"),
                    "emulated_user_agent": first.get("user_agent"),
                    "benchmark_index_median": statistics.median(r["benchmark_index"] for r in results
                                                                if r["benchmark_index"]) if results else None},
        "seconds": round(time.perf_counter() - started, 1),
        "results": results, "missing": missing,
    }


def fmt(score: float | None, target: float) -> str:
    if score is None:
        return "–"
    text = f"{score:.2f}"
    return text if score >= target else f"**{text}**"


def write_report(output: Path) -> None:
    data = json.loads((output / "lighthouse" / "results.json").read_text())
    m = data["machine"]
    lines = [
        "# Lighthouse",
        "",
        "<!-- Written by `python -m tests.perf.lighthouse` (tests/perf/lighthouse.py): change that, not this file. -->",
        "",
        f"Lighthouse {m['lighthouse']} scores every page of the URL map in its mobile mode (an emulated phone, "
        "simulated slow 4G and a 4× slower CPU), logged in as the role that opens the page, on the "
        f"{data['demo']} demo served by `amap serve` (SQLite, one worker). Targets: performance at least "
        f"{TARGETS['performance']:.2f}, accessibility and best practices {TARGETS['accessibility']:.2f}. "
        "Scores under target are in bold.",
        "",
        "## Reproduce",
        "",
        "```sh",
        data["command"],
        "```",
        "",
        "It installs Lighthouse from tests/perf/lighthouse/package-lock.json (`npm ci`) when missing, and "
        "Debian's `chromium`, `nodejs` and `npm` with `apt-get` when they are. Options: `--size large` (the "
        "large demo); `--only TEXT,…` (the pages whose name contains one of the texts, or opened by one of "
        "the roles named: their rows replace those of the last run); `--runs N` (keep the run with the "
        "median performance score). With one run, a page under the performance target is run twice more and "
        "the median of three kept: the score moves with the machine's load. A page takes 15-30 s; the whole "
        f"run below took {data['seconds'] / 60:.1f} min"
        + (" (before some pages were measured again)." if data.get("partly_rerun") else "."),
        "",
        "## Scores",
        "",
        f"Measured {data['date']}"
        + (f"; some pages again {data['partly_rerun']}." if data.get("partly_rerun") else "."),
        "",
        "| page | role | performance | accessibility | best practices | FCP | LCP | TBT | CLS |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in data["results"]:
        s, mt = r["scores"], r["metrics"]
        name = f"`{r['page']}`" if r["passes"] else f"[`{r['page']}`](#{anchor(r)})"
        cells = [name, r["role"], *(fmt(s[c], TARGETS[c]) for c in CATEGORIES),
                 mt["FCP"], mt["LCP"], mt["TBT"], mt["CLS"]]
        lines.append(f"| {' | '.join(cells)} |")
    passing = sum(r["passes"] for r in data["results"])
    lines += ["", f"{passing} of {len(data['results'])} pages meet every target."]
    if data["missing"]:
        lines += ["", "Not scored:", ""]
        lines += [f"- `{m_['page']}` ({m_['role']}): {m_['why']}" for m_ in data["missing"]]
    common = Counter((a["id"], a["title"]) for r in data["results"] for a in r["failing"]
                     if a["category"] == "performance")
    if common:
        lines += ["", "Performance audits scoring under 0.9, with the number of pages where they do: the metrics "
                  "among them (first and largest contentful paint, total blocking time, layout shift, speed "
                  "index) make the performance score; the others are hints and cost no points.", ""]
        lines += [f"- `{audit}`: {title} ({count})" for (audit, title), count in common.most_common()]
    below = [r for r in data["results"] if not r["passes"]]
    if below:
        lines += ["", "## Below target", ""]
        for r in below:
            lines += [f'<a id="{anchor(r)}"></a>', "", f"### `{r['page']}` ({r['role']}): `{r['url']}`", ""]
            for a in r["failing"]:
                if a["category"] == "performance" and r["scores"]["performance"] >= TARGETS["performance"]:
                    continue
                value = f" ({a['value']})" if a["value"] else ""
                lines.append(f"- {a['category']}: `{a['id']}`: {a['title']}{value}")
                lines += [f"  - `{item}`" for item in a["items"][:3]]
            lines.append("")
    lines += [
        "",
        "## The machine",
        "",
        "| | |",
        "| --- | --- |",
        f"| CPU | {m['cpu']} ({m['cpus']} cores), {m['ram_gb']} GB RAM |",
        f"| system | {m['os']}, Python {m['python']}, Node {m['node']} |",
        f"| browser | {m['chromium']} (headless), emulating `{m['emulated_user_agent']}` |",
        f"| Lighthouse | {m['lighthouse']} (axe-core {m['axe_core']}), median benchmark index {m['benchmark_index_median']:.0f} |",
        "",
    ]
    (output / "lighthouse.md").write_text("\n".join(lines))


def anchor(row: dict) -> str:
    return re.sub(r"[^a-z0-9]+", "-", f"{row['page']} {row['role']}".lower()).strip("-")


def merged(path: Path, data: dict) -> dict:
    """A run of some pages (--only) put in place of the same pages of the last full run, kept in order."""
    if not path.exists():
        return data
    previous = json.loads(path.read_text())
    fresh = {(r["page"], r["role"]): r for r in data["results"]}
    order = [(p.name, p.role or "anonymous") for p in PAGES]
    kept = {(r["page"], r["role"]): r for r in previous["results"]} | fresh
    again = {(m["page"], m["role"]) for m in data["missing"]} | set(fresh)
    missing = [m for m in previous["missing"] if (m["page"], m["role"]) not in again] + data["missing"]
    results = [kept[key] for key in order if key in kept and key not in {(m["page"], m["role"]) for m in missing}]
    return {**data, "command": previous["command"], "seconds": previous["seconds"], "results": results,
            "missing": missing, "partly_rerun": data["date"], "date": previous["date"]}


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if not args.report_only:
        ensure_tools()
        data = score_pages(args)
        if args.only:
            data = merged(args.output / "lighthouse" / "results.json", data)
        (args.output / "lighthouse").mkdir(parents=True, exist_ok=True)
        (args.output / "lighthouse" / "results.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    write_report(args.output)
    data = json.loads((args.output / "lighthouse" / "results.json").read_text())
    say(f"Report written to {args.output / 'lighthouse.md'}")
    return 0 if all(r["passes"] for r in data["results"]) and not data["missing"] else 1


if __name__ == "__main__":
    sys.exit(main())
