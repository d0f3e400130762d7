"""Measure the app under load on the large demo and write docs/performance.md.

    .venv/bin/python -m tests.perf.run [--engines sqlite,postgres] [--workers 1,4] [--duration 5] [--quick]

For each engine: build `amap demo --size large` in a fresh database, then for 1 and 4 server workers
serve first the calibration app (tests/perf/calibration.py), then `amap serve`, and load each page
with wrk from a separate process over loopback at 1 and 4 connections. Raw figures go to
docs/perf/results-<engine>.json, the report to docs/performance.md and docs/perf/p95.svg.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tests.perf import report
from tests.perf.load import ensure_wrk, run_wrk
from tests.perf.pages import LOGINS, Page, catalogue, printable_sheets_url, resolve, role_headers
from tests.perf.servers import ROOT, Database, Server, large_database, prepare, serving

CONNECTIONS = (1, 4)
MIN_REQUESTS = 20  # at one connection, for a p95 worth the name
MAX_STRETCH = 6  # a slow page is measured for at most this many times --duration
CALIBRATION_AGAIN = "calibration (again, after the pages)"
SHARE_ROUNDS = 5  # calibration then /me, alternated, for /me's share of the calibration's rps
SHEETS_ROLES = ("network", "coordinator", "admin")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", help="comma-separated: sqlite,postgres (default both; postgres with --quick)")
    parser.add_argument("--workers", help="comma-separated server worker counts (default 1,4; 1 with --quick)")
    parser.add_argument("--duration", type=float, help="seconds per measurement (default 5; 3 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a check of the harness: PostgreSQL, 1 worker, 3 s")
    parser.add_argument("--only", help="measure only the pages whose name contains this text (and calibration)")
    parser.add_argument("--report-only", action="store_true",
                        help="only write performance.md and p95.svg again from the JSON results already there")
    parser.add_argument("--output", type=Path, default=ROOT / "docs",
                        help="folder receiving performance.md and perf/ (default docs/)")
    args = parser.parse_args(argv)
    args.engines = (args.engines or ("postgres" if args.quick else "sqlite,postgres")).split(",")
    if unknown := set(args.engines) - {"sqlite", "postgres"}:
        parser.error(f"unknown engine {', '.join(sorted(unknown))}")
    args.workers = [int(w) for w in (args.workers or ("1" if args.quick else "1,4")).split(",")]
    args.duration = args.duration or (3.0 if args.quick else 5.0)
    args.warmup = 1.0 if args.quick else 2.0
    return args


def say(text: str) -> None:
    print(text, flush=True)


def measure_page(server: Server, page: Page, headers: dict[str, str], args: argparse.Namespace,
                 label: str) -> list[dict]:
    """A short warm-up at one connection, then one measurement per connection count. A page too slow
    for MIN_REQUESTS at one connection in --duration is measured again for longer (up to MAX_STRETCH
    times --duration, the same for every connection count), so that its p95 is one."""
    rows = []
    url = server.url + page.url
    try:
        run_wrk(url, headers, connections=1, seconds=args.warmup)
        seconds = math.ceil(args.duration)  # wrk takes whole seconds
        for connections in CONNECTIONS:
            position = server.log_position()
            measure = run_wrk(url, headers, connections=connections, seconds=seconds)
            if connections == CONNECTIONS[0] and measure.requests < MIN_REQUESTS and not measure.failed:
                needed = MIN_REQUESTS / measure.rps if measure.rps else float("inf")
                seconds = math.ceil(min(needed, args.duration * MAX_STRETCH))
                position = server.log_position()
                measure = run_wrk(url, headers, connections=connections, seconds=seconds)
            row = {"page": page.name, "url": page.url, "role": page.role, "target_ms": page.target_ms,
                   "connections": connections, **measure.as_dict()}
            if measure.failed:
                row["server_log"] = server.errors_since(position)
            rows.append(row)
            flag = ""
            if measure.requests == 0:
                flag = f"  FAILED: no request completed in {seconds:g} s"
            elif measure.failed:
                flag = (f"  FAILED: {measure.not_200} not 200 (last {measure.last_bad_status}), "
                        f"{measure.socket_errors} socket errors")
            say(f"  {label} c={connections} {page.name:32} {measure.rps:8.1f} rps  p50 {measure.p50_ms:7.1f}  "
                f"p95 {measure.p95_ms:7.1f}  p99 {measure.p99_ms:7.1f} ms  ({measure.requests} in {seconds:g} s){flag}")
            if row.get("server_log"):
                say("    server log: " + row["server_log"].splitlines()[-1][:300])
    except RuntimeError as error:
        say(f"  {label} {page.name}: {error}")
        rows.append({"page": page.name, "url": page.url, "role": page.role, "target_ms": page.target_ms,
                     "connections": None, "error": str(error)[:500], "failed": True})
    return rows


def me_share(reference: Server, server: Server, me: Page, headers: dict[str, str], args: argparse.Namespace) -> dict:
    """/me's requests per second as a share of the calibration page's, at 4 connections, measured in
    SHARE_ROUNDS rounds of the calibration page then /me, back to back: on a shared machine whose speed
    drifts from one second to the next, one pair of measurements alone can land anywhere in a
    quarter of its range; the median of the rounds is the share reported against the target."""
    seconds = math.ceil(args.duration)
    rounds = []
    for _ in range(SHARE_ROUNDS):
        calibration = run_wrk(reference.url + "/calibration", {}, connections=4, seconds=seconds)
        page = run_wrk(server.url + me.url, headers, connections=4, seconds=seconds)
        if calibration.failed or page.failed or not calibration.rps:
            return {"error": f"a round failed: calibration {calibration.not_200} not 200, /me {page.not_200}"}
        rounds.append({"calibration_rps": round(calibration.rps, 1), "me_rps": round(page.rps, 1),
                       "share": round(page.rps / calibration.rps, 3)})
    shares = sorted(r["share"] for r in rounds)
    say(f"  /me ÷ calibration, {SHARE_ROUNDS} rounds: {', '.join(f'{s:.2f}' for s in shares)}")
    return {"rounds": rounds, "median": shares[len(shares) // 2], "seconds": seconds}


def time_printable_sheets(base_url: str, ids: dict, headers: dict[str, dict[str, str]], times: int) -> dict | None:
    """The printable sheets of every group of one date: one request at a time, several times."""
    url = printable_sheets_url(ids)
    if url is None:
        return None
    with httpx.Client(base_url=base_url, follow_redirects=False, timeout=120) as client:
        statuses = {}
        for role in SHEETS_ROLES:
            response = client.get(url, headers=headers[role])
            statuses[role] = response.status_code
            if response.status_code != 200:
                continue
            seconds = []
            for _ in range(times):
                started = time.perf_counter()
                response = client.get(url, headers=headers[role])
                seconds.append(round(time.perf_counter() - started, 3))
                if response.status_code != 200:
                    return {"url": url, "role": role, "error": f"status {response.status_code}"}
            return {"url": url, "role": role, "seconds": seconds, "bytes": len(response.content),
                    "groups_that_day": ids["busiest_day_groups"]}
    return {"url": url, "error": f"no role was answered 200: {statuses}"}


def measure_workers(database: Database, ids: dict, workers: int, args: argparse.Namespace) -> dict:
    """The calibration page, every page of amap, then the calibration page again (both servers stay up,
    one idle while the other is loaded): the second calibration shows whether the machine stayed as it was."""
    label = f"{database.engine} {workers}w"
    run: dict = {"workers": workers, "load_average_before": [round(n, 2) for n in os.getloadavg()], "results": []}
    calibration = Page("calibration", "none", ("/calibration",), url="/calibration")
    with serving(database, "calibration", workers) as reference, serving(database, "amap", workers) as server:
        run["results"] += measure_page(reference, calibration, {}, args, label)
        headers = role_headers(server.url, ids["api_token"])
        pages, run["unavailable"] = resolve(server.url, catalogue(ids), headers)
        run["pages"] = [{"page": page.name, "url": page.url, "role": page.role} for page in pages]
        for missing in run["unavailable"]:
            say(f"  {label} {missing['page']}: not measured, {missing['statuses']}")
        for page in pages:
            if args.only and args.only not in page.name:
                continue
            run["results"] += measure_page(server, page, headers[page.role], args, label)
        me = next((page for page in pages if page.name == "/me"), None)
        if me is not None and workers == 1 and not args.only:
            run["me_share"] = me_share(reference, server, me, headers[me.role], args)
        run["printable_sheets"] = time_printable_sheets(server.url, ids, headers, 3 if args.quick else 5)
        if run["printable_sheets"]:
            say(f"  {label} printable sheets of a date: {run['printable_sheets']}")
        run["results"] += measure_page(reference, replace(calibration, name=CALIBRATION_AGAIN), {}, args, label)
        run["rss"] = server.rss()
        run["calibration_rss"] = reference.rss()
        run["load_average_after"] = [round(n, 2) for n in os.getloadavg()]
        say(f"  {label} resident memory after the run: {run['rss']}")
    return run


def measure_engine(engine: str, args: argparse.Namespace, command: str) -> dict:
    started = time.perf_counter()
    say(f"{engine}: building the large demo")
    with large_database(engine) as database:
        ids = prepare(database)
        say(f"{engine}: built in {database.build_seconds:.0f} s; largest group {ids['group_slug']} "
            f"({ids['group_households']} households)")
        result = {
            "engine": engine, "date": datetime.now(UTC).isoformat(timespec="seconds"), "command": command,
            "quick": args.quick, "duration_s": args.duration, "warmup_s": args.warmup,
            "connections": list(CONNECTIONS), "machine": report.machine(),
            "dataset": {"build_seconds": round(database.build_seconds, 1),
                        "largest_group": ids["group_slug"], "largest_group_households": ids["group_households"],
                        "busiest_day": ids["busiest_day"], "busiest_day_groups": ids["busiest_day_groups"],
                        "logins": LOGINS},
            "runs": [measure_workers(database, ids, workers, args) for workers in args.workers],
        }
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.report_only:
        report.write_report(args.output)
        return 0
    command = shlex.join([".venv/bin/python", "-m", "tests.perf.run", *(sys.argv[1:] if argv is None else argv)])
    ensure_wrk()
    out = args.output / "perf"
    out.mkdir(parents=True, exist_ok=True)
    failed = False
    for engine in args.engines:
        result = measure_engine(engine, args, command)
        report.write_json(out / f"results-{engine}.json", result)
        failed |= any(row.get("failed") for run in result["runs"] for row in run["results"])
        say(f"{engine}: done in {result['seconds'] / 60:.1f} min")
    report.write_report(args.output)
    say(f"Report written to {args.output / 'performance.md'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
