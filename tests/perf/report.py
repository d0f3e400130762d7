"""The report of a run: the machine described, the raw JSON, docs/performance.md from its template, and
docs/perf/p95.svg (a horizontal bar chart drawn here, so no plotting library is needed)."""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import subprocess
from html import escape
from importlib import metadata
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from tests.perf.load import wrk_version

TEMPLATE = Path(__file__).with_name("performance.md.jinja")
ENGINE_NAMES = {"postgres": "PostgreSQL", "sqlite": "SQLite"}
ENGINE_ORDER = ("postgres", "sqlite")
ME_SHARE_OF_CALIBRATION = 0.25
SHEETS_TARGET_S = 2.0
RSS_TARGET_MB = 200


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def _postgres_version() -> str:
    from tests.pg import find_bindir

    try:
        done = subprocess.run([str(find_bindir() / "postgres"), "--version"], capture_output=True, text=True)
        return done.stdout.strip().removeprefix("postgres (PostgreSQL) ") or "unknown"
    except (OSError, RuntimeError):
        return "not installed"


def machine() -> dict:
    versions = {}
    for package in ("litestar", "piccolo", "uvicorn", "asyncpg", "aiosqlite", "jinja2"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "?"
    return {
        "cpu": _cpu_model(), "cpus": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)),
        "ram_gb": _ram_gb(), "os": _os_name(), "kernel": platform.release(),
        "python": platform.python_version(), "postgresql": _postgres_version(), "sqlite": sqlite3.sqlite_version,
        "wrk": wrk_version(), "packages": versions,
    }


def write_json(path: Path, result: dict) -> None:
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")


def load_results(folder: Path) -> list[dict]:
    results = [json.loads(path.read_text()) for path in sorted(folder.glob("results-*.json"))]
    return sorted(results, key=lambda r: ENGINE_ORDER.index(r["engine"]) if r["engine"] in ENGINE_ORDER else 9)


# Tables ----------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def _verdict(ok: bool) -> str:
    return "✓" if ok else "✗"


def _errors(result: dict) -> str:
    if not result["failed"]:
        return ""
    if result["requests"] == 0:
        return f"no request completed in {result['seconds']:g} s"
    return (f"{result['not_200']} of {result['requests']} not 200 (last {result['last_bad_status']}), "
            f"{result['socket_errors']} socket errors")


def rows_of(run: dict, connections: int) -> list[dict]:
    """The table of one engine × workers × connections: each page with its ratios to the calibration page."""
    calibration = next((r for r in run["results"] if r["page"] == "calibration" and r["connections"] == connections
                        and not r.get("failed")), None)
    rows = []
    for result in run["results"]:
        if result.get("connections") not in (connections, None):
            continue
        if result.get("error"):
            rows.append({"page": result["page"], "url": result["url"], "error": result["error"]})
            continue
        target = result.get("target_ms")
        checks = []
        if target is not None:
            checks.append(f"p95 < {target:g} ms {_verdict(not result['failed'] and result['p95_ms'] < target)}")
        if result["page"] == "/me" and calibration:
            share = result["rps"] / calibration["rps"]
            checks.append(f"≥ ¼ calib. rps {_verdict(not result['failed'] and share >= ME_SHARE_OF_CALIBRATION)}")
        rows.append({
            **result,
            "rps_text": f"{result['rps']:.0f}" if result["rps"] >= 10 else f"{result['rps']:.1f}",
            "p50": _ms(result["p50_ms"]), "p95": _ms(result["p95_ms"]), "p99": _ms(result["p99_ms"]),
            "rps_ratio": f"{result['rps'] / calibration['rps']:.2f}" if calibration and calibration["rps"] else "–",
            "p95_ratio": f"{result['p95_ms'] / calibration['p95_ms']:.1f}×" if calibration and calibration["p95_ms"]
            else "–",
            "kb": f"{result['bytes_per_request'] / 1024:.0f}",
            "errors": _errors(result),
            "log": ((result.get("server_log") or "").strip().splitlines() or [""])[-1][:300],
            "target": "; ".join(checks),
        })
    return rows


def targets(results: list[dict]) -> list[dict]:
    """The issue's targets, read on PostgreSQL, 1 worker, 4 connections (its reference setting)."""
    postgres = next((r for r in results if r["engine"] == "postgres"), None)
    run = next((run for run in postgres["runs"] if run["workers"] == 1), None) if postgres else None
    if run is None:
        return []
    lines = []
    for row in rows_of(run, 4):
        if row.get("error"):
            if row.get("target_ms") is not None:
                lines.append({"what": f"{row['page']} p95", "target": "", "measured": "error", "ok": False})
            continue
        if row.get("target_ms") is not None:
            lines.append({"what": f"{row['page']} p95", "target": f"< {row['target_ms']:g} ms",
                          "measured": f"{row['p95']} ms" + (" (errors)" if row["failed"] else ""),
                          "ok": not row["failed"] and row["p95_ms"] < row["target_ms"]})
        if row["page"] == "/me" and run.get("me_share", {}).get("median") is not None:
            share = run["me_share"]
            low, high = min(r["share"] for r in share["rounds"]), max(r["share"] for r in share["rounds"])
            lines.append({"what": "/me requests per second", "target": "≥ ¼ of the calibration page's",
                          "measured": f"{share['median']:.2f} of it (median of {len(share['rounds'])} rounds, "
                                      f"{low:.2f}–{high:.2f})", "ok": share["median"] >= ME_SHARE_OF_CALIBRATION})
        elif row["page"] == "/me" and row["rps_ratio"] != "–":
            share = float(row["rps_ratio"])
            lines.append({"what": "/me requests per second", "target": "≥ ¼ of the calibration page's",
                          "measured": f"{share:.2f} of it", "ok": not row["failed"] and share >= 0.25})
    sheets = run.get("printable_sheets")
    if sheets and sheets.get("seconds"):
        slowest = max(sheets["seconds"])
        lines.append({"what": "printable sheets of every group of a date", "target": f"< {SHEETS_TARGET_S:g} s",
                      "measured": f"{slowest:.2f} s (slowest of {len(sheets['seconds'])})",
                      "ok": slowest < SHEETS_TARGET_S})
    elif sheets:
        lines.append({"what": "printable sheets of every group of a date", "target": f"< {SHEETS_TARGET_S:g} s",
                      "measured": sheets.get("error", "error"), "ok": False})
    if run.get("rss"):
        lines.append({"what": "server's resident memory after the run", "target": f"< {RSS_TARGET_MB} MB",
                      "measured": f"{run['rss']['total_mb']:.0f} MB", "ok": run["rss"]["total_mb"] < RSS_TARGET_MB})
    for line in lines:
        line["verdict"] = _verdict(line["ok"])
    return lines


# The plot --------------------------------------------------------------------------------------

COLOURS = ("#1b6ca8", "#7fb3d5", "#c0392b", "#f1948a")


def p95_svg(results: list[dict], connections: int = 4) -> str:
    """p95 per page at 4 connections, one bar per engine × workers, on a log scale; targets as ticks."""
    series = [(f"{ENGINE_NAMES.get(r['engine'], r['engine'])}, {run['workers']} worker"
               f"{'s' if run['workers'] > 1 else ''}", run) for r in results for run in r["runs"]]
    pages: list[str] = []
    targets: dict[str, float] = {}
    for _, run in series:
        for row in run["results"]:
            if row.get("connections") == connections and row["page"] not in pages:
                pages.append(row["page"])
            if row.get("target_ms"):
                targets[row["page"]] = row["target_ms"]
    values = [row["p95_ms"] for _, run in series for row in run["results"]
              if row.get("connections") == connections and row.get("p95_ms")]
    low, high = 1.0, 10 ** math.ceil(math.log10(max(values + [100.0])))
    left, width, bar, gap, top = 250, 560, 9, 10, 52
    row_height = bar * max(len(series), 1) + gap
    height = top + row_height * len(pages) + 30 + 16 * len(series)

    def x(ms: float) -> float:
        return left + width * (math.log10(max(ms, low)) - math.log10(low)) / (math.log10(high) - math.log10(low))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 40}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="18" font-size="13" font-weight="bold">p95 latency per page, '
           f'{connections} connections (ms, log scale; red tick: target)</text>']
    decade = low
    while decade <= high:
        out.append(f'<line x1="{x(decade):.1f}" y1="{top - 8}" x2="{x(decade):.1f}" '
                   f'y2="{top + row_height * len(pages)}" stroke="#ccc"/>')
        out.append(f'<text x="{x(decade):.1f}" y="{top - 12}" text-anchor="middle">{decade:g}</text>')
        decade *= 10
    for index, page in enumerate(pages):
        y = top + index * row_height
        out.append(f'<text x="{left - 6}" y="{y + row_height / 2 + 1:.1f}" text-anchor="end">{escape(page)}</text>')
        if page in targets:
            tx = x(targets[page])
            out.append(f'<line x1="{tx:.1f}" y1="{y - 1}" x2="{tx:.1f}" y2="{y + row_height - gap + 1}" '
                       f'stroke="#d00" stroke-width="2"/>')
        for number, (_, run) in enumerate(series):
            row = next((r for r in run["results"] if r["page"] == page and r.get("connections") == connections), None)
            if not row or row.get("p95_ms") is None:
                continue
            colour = "#999" if row.get("failed") else COLOURS[number % len(COLOURS)]
            out.append(f'<rect x="{left}" y="{y + number * bar}" width="{max(x(row["p95_ms"]) - left, 1):.1f}" '
                       f'height="{bar - 1}" fill="{colour}"><title>{escape(page)}: {row["p95_ms"]} ms</title></rect>')
            out.append(f'<text x="{x(row["p95_ms"]) + 3:.1f}" y="{y + number * bar + bar - 2}" font-size="9" '
                       f'fill="#333">{_ms(row["p95_ms"])}{" (errors)" if row.get("failed") else ""}</text>')
    legend_y = top + row_height * len(pages) + 20
    for number, (name, _) in enumerate(series):
        y = legend_y + 16 * number
        out.append(f'<rect x="{left}" y="{y - 9}" width="12" height="10" fill="{COLOURS[number % len(COLOURS)]}"/>')
        out.append(f'<text x="{left + 18}" y="{y}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# The document ----------------------------------------------------------------------------------


def write_report(docs: Path) -> None:
    results = load_results(docs / "perf")
    if not results:
        return
    (docs / "perf" / "p95.svg").write_text(p95_svg(results))
    environment = Environment(loader=FileSystemLoader(TEMPLATE.parent), undefined=StrictUndefined,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    tables = [{"engine": ENGINE_NAMES.get(r["engine"], r["engine"]), "result": r, "run": run,
               "connections": c, "rows": rows_of(run, c)}
              for r in results for run in r["runs"] for c in r["connections"]]
    text = environment.get_template(TEMPLATE.name).render(
        results=results, machine=results[0]["machine"], tables=tables, targets=targets(results),
        engine_names=ENGINE_NAMES, me_share=ME_SHARE_OF_CALIBRATION, rss_target=RSS_TARGET_MB,
    )
    (docs / "performance.md").write_text(text)
