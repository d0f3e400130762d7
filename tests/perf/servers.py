"""The measured databases and servers: a fresh large demo per engine, `amap serve` and the calibration
app started as separate processes on free loopback ports, and their resident memory read from /proc."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.pg import free_port, start_cluster

ROOT = Path(__file__).resolve().parents[2]
SECRET = "performance-measurement-secret-0123456789abcdef"


@dataclass
class Database:
    engine: str  # sqlite | postgres
    env: dict[str, str]  # the environment every process of this engine runs with
    folder: Path
    build_seconds: float = 0.0


def base_env(data_dir: Path, database_url: str) -> dict[str, str]:
    """The caller's environment without any amap setting of its own, then the measured database's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMAP_") and k != "DATABASE_URL"}
    env.update(AMAP_DATA_DIR=str(data_dir), DATABASE_URL=database_url, AMAP_SECRET=SECRET,
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    return env


def run_python(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """`python ARGS` from the checkout in this environment; its stdout, or an error carrying its output."""
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"python {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
                           f"{done.stderr[-4000:]}")
    return done.stdout


@contextmanager
def large_database(engine: str, size: str = "large") -> Iterator[Database]:
    """A fresh temporary data folder (and PostgreSQL cluster) holding `amap demo --size large` (or small)."""
    folder = Path(tempfile.mkdtemp(prefix=f"amap-perf-{engine}-"))
    cluster = None
    try:
        if engine == "postgres":
            cluster = start_cluster()
            url = cluster.url
        else:
            url = f"sqlite:///{folder / 'amap.sqlite'}"
        database = Database(engine=engine, env=base_env(folder, url), folder=folder)
        started = time.perf_counter()
        run_python(database.env, "-m", "amap.cli", "demo", "--size", size)
        database.build_seconds = time.perf_counter() - started
        yield database
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def prepare(database: Database) -> dict:
    """The ids the pages need, an API token, the app's routes (tests/perf/prepare.py)."""
    return json.loads(run_python(database.env, "-m", "tests.perf.prepare").strip().splitlines()[-1])


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_position(self) -> int:
        return self.log.stat().st_size

    def errors_since(self, position: int, lines: int = 60) -> str:
        """The first error the server logged after `position`: a traceback down to its exception's
        line, or an ERROR line; empty when there is none."""
        with self.log.open(errors="replace") as handle:
            handle.seek(position)
            logged = handle.read().splitlines()
        first = next((n for n, line in enumerate(logged) if "Traceback" in line or " ERROR " in line), None)
        if first is None:
            return ""
        block = logged[first:first + lines]
        start = next((n for n, line in enumerate(block[:3]) if "Traceback" in line), None)
        if start is not None:  # down to the exception's own line, the first one not indented
            end = next((n for n in range(start + 1, len(block)) if block[n] and not block[n].startswith(" ")),
                       len(block) - 1)
            block = block[:end + 1]
        # No path of this machine goes into the report.
        return "\n".join(block).replace(str(ROOT) + os.sep, "").replace(str(self.log.parent), "<data folder>")

    def rss(self) -> dict:
        """Resident memory of the server and all its processes (uvicorn's supervisor and workers), in MB."""
        sizes = [rss_mb(pid) for pid in process_tree(self.process.pid)]
        sizes = [size for size in sizes if size is not None]
        return {"processes": len(sizes), "total_mb": round(sum(sizes), 1),
                "largest_mb": round(max(sizes), 1) if sizes else 0.0}


def process_tree(root: int) -> list[int]:
    """The process and its descendants, from the parent ids in /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@contextmanager
def serving(database: Database, name: str, workers: int) -> Iterator[Server]:
    """`amap serve` (name "amap") or the calibration app (name "calibration") with this many workers,
    both through uvicorn at log level info; stopped (the whole process group) on leaving."""
    port = free_port()
    env = {**database.env, "AMAP_BASE_URL": f"http://127.0.0.1:{port}"}
    if name == "amap":
        command = [sys.executable, "-m", "amap.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(workers), "--no-scheduler", "--no-migrate"]
    else:
        command = [sys.executable, "-m", "uvicorn", "tests.perf.calibration:create_app", "--factory",
                   "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--proxy-headers",
                   "--log-level", "info"]
    log = database.folder / f"{name}-{workers}w-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = Server(name=name, process=process, port=port, log=log)
    try:
        wait_until_up(server)
        yield server
    finally:
        stop(server)


def wait_until_up(server: Server, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited ({server.process.returncode}):\n{tail(server.log)}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{server.name} did not answer /healthz within {timeout:.0f} s:\n{tail(server.log)}")


def stop(server: Server) -> None:
    if server.process.poll() is not None:
        return
    os.killpg(server.process.pid, signal.SIGTERM)  # its own session: uvicorn's supervisor and workers
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
