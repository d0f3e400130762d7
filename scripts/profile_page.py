"""Profile one page of amap in-process with pyinstrument, as a logged-in person, on the database of
the environment (DATABASE_URL, AMAP_DATA_DIR: e.g. the large demo, `amap demo --size large`).

Usage: .venv/bin/python scripts/profile_page.py EMAIL URL [--requests 20] [--html out.html]

The requests go through the whole app (middleware, session, template) by httpx's ASGI transport,
after two warm-up requests; the report shows where their time went. Also prints p50/p95 of the
profiled requests (inflated by the profiler: time pages without it to compare figures).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time
from pathlib import Path

import httpx
from pyinstrument import Profiler


async def profile(email: str, url: str, requests: int, password: str, html: Path | None) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would bury the report
    from amap.app import create_app

    app = create_app()
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await client.get("/login")
            answer = await client.post("/login", data={"email": email, "password": password,
                                                       "_csrf_token": client.cookies.get("csrftoken") or ""})
            if answer.status_code != 303:
                raise SystemExit(f"login of {email} answered {answer.status_code}")
            for _ in range(2):
                status = (await client.get(url)).status_code
            if status != 200:
                raise SystemExit(f"{url} answered {status}")
            profiler, times = Profiler(async_mode="enabled"), []
            profiler.start()
            for _ in range(requests):
                started = time.perf_counter()
                await client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            profiler.stop()
    times.sort()
    print(profiler.output_text(unicode=True, color=False))
    print(f"{url}: {requests} requests under the profiler, p50 {statistics.median(times):.1f} ms, "
          f"p95 {times[max(0, round(0.95 * len(times)) - 1)]:.1f} ms")
    if html:
        html.write_text(profiler.output_html())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("email")
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--password", default="amap-demo")
    parser.add_argument("--html", type=Path, help="also write pyinstrument's interactive HTML report there")
    args = parser.parse_args()
    asyncio.run(profile(args.email, args.url, args.requests, args.password, args.html))


if __name__ == "__main__":
    main()
