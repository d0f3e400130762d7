"""The load tool: wrk (Debian's package), installed when missing, run with tests/perf/report.lua."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("report.lua")
MARK = "PERF_JSON "


def ensure_wrk() -> str:
    """The path of wrk, installed with apt-get (as root, else through sudo) when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("Installing wrk with apt-get", flush=True)
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*prefix, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "wrk"],
                   check=True, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is still missing after apt-get install wrk")
    return found


def wrk_version() -> str:
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    first = (done.stdout + done.stderr).strip().splitlines() or ["wrk"]
    return first[0].split(" Copyright")[0].strip()


@dataclass(frozen=True)
class Measure:
    requests: int
    seconds: float
    not_200: int  # any status but 200, redirects included
    socket_errors: int
    last_bad_status: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    bytes_per_request: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> bool:
        return self.not_200 > 0 or self.socket_errors > 0 or self.requests == 0

    def as_dict(self) -> dict:
        return {"rps": round(self.rps, 1), "p50_ms": self.p50_ms, "p95_ms": self.p95_ms, "p99_ms": self.p99_ms,
                "max_ms": self.max_ms, "requests": self.requests, "seconds": round(self.seconds, 2),
                "not_200": self.not_200, "socket_errors": self.socket_errors,
                "last_bad_status": self.last_bad_status, "bytes_per_request": self.bytes_per_request,
                "failed": self.failed}


def run_wrk(url: str, headers: dict[str, str], *, connections: int, seconds: float) -> Measure:
    """One wrk thread (a second one would only take CPU from the server on a small machine) keeping
    `connections` requests in flight for `seconds`."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "30s",
               "-s", str(SCRIPT)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60)
    line = next((line for line in done.stdout.splitlines() if line.startswith(MARK)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed on {url} ({done.returncode}): {done.stdout[-1000:]} {done.stderr[-1000:]}")
    data = json.loads(line.removeprefix(MARK))
    latency = data["latency_us"]
    return Measure(
        requests=data["requests"], seconds=data["duration_us"] / 1e6, not_200=data["not_200"],
        socket_errors=sum(data["socket_errors"].values()), last_bad_status=data["last_bad_status"],
        p50_ms=round(latency["p50"] / 1000, 2), p95_ms=round(latency["p95"] / 1000, 2),
        p99_ms=round(latency["p99"] / 1000, 2), max_ms=round(latency["max"] / 1000, 2),
        bytes_per_request=data["bytes"] // max(data["requests"], 1),
    )
