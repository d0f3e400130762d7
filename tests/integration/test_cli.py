"""The amap command, run as a user would run it, against its own SQLite database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest


def amap(tmp_path: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMAP_", "DATABASE_URL"))}
    env |= {"AMAP_DATA_DIR": str(tmp_path), "AMAP_PASSWORD_PROFILE": "cheapest"}
    return subprocess.run([sys.executable, "-m", "amap.cli", *args], env=env, capture_output=True, text=True,
                          input=input, timeout=120)


@pytest.mark.parametrize("command", ["serve", "worker", "migrate", "backup", "restore", "demo", "createuser",
                                     "check", "token", "jobs"])
def test_every_command_has_help(tmp_path, command):
    result = amap(tmp_path, command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_fresh_data_folder_gets_a_database_and_a_private_secret(tmp_path):
    assert amap(tmp_path, "migrate").returncode == 0
    secret = tmp_path / "secret_key"
    assert (tmp_path / "amap.sqlite").exists() and len(secret.read_text()) >= 40
    assert secret.stat().st_mode & 0o077 == 0
    first = secret.read_text()
    check = amap(tmp_path, "check")
    assert check.returncode == 0 and "all applied" in check.stdout
    assert secret.read_text() == first  # kept, not regenerated


def test_demo_refuses_a_database_with_data_unless_forced(tmp_path):
    first = amap(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    assert "member@example.org" in first.stdout and "amap-demo" in first.stdout
    again = amap(tmp_path, "demo")
    assert again.returncode != 0 and "--force" in again.stderr
    assert amap(tmp_path, "demo", "--force").returncode == 0


def test_createuser_grants_a_role_and_token_create_prints_a_working_token(tmp_path):
    assert amap(tmp_path, "demo").returncode == 0
    created = amap(tmp_path, "createuser", "lea@example.org", "--name", "Léa", "--role", "coordinator",
                   "--target", "amap-des-lilas", "--password", "long enough password")
    assert created.returncode == 0, created.stderr
    duplicate = amap(tmp_path, "createuser", "lea@example.org", "--name", "Léa", "--password", "long enough password")
    assert duplicate.returncode != 0 and "already" in duplicate.stderr
    weak = amap(tmp_path, "createuser", "max@example.org", "--name", "Max", "--password", "short")
    assert weak.returncode != 0 and "password" in weak.stderr
    unknown_group = amap(tmp_path, "createuser", "zoe@example.org", "--name", "Zoé", "--role", "coordinator",
                         "--target", "nowhere", "--password", "long enough password")
    assert unknown_group.returncode != 0
    retry = amap(tmp_path, "createuser", "zoe@example.org", "--name", "Zoé", "--role", "member",
                 "--target", "amap-des-lilas", "--password", "long enough password")
    assert retry.returncode == 0, retry.stderr  # the refused attempt left no account behind
    token = amap(tmp_path, "token", "create", "lea@example.org")
    assert token.returncode == 0 and token.stdout.strip().startswith("amap_")
    assert amap(tmp_path, "token", "create", "ghost@example.org").returncode != 0


def test_jobs_are_listed_and_one_runs_as_at_a_given_moment(tmp_path):
    assert amap(tmp_path, "demo").returncode == 0
    listing = amap(tmp_path, "jobs", "list")
    assert listing.returncode == 0
    for name in ("deliver-outbox", "distribution-eve", "shift-reminders", "payment-digest", "farm-digest"):
        assert name in listing.stdout
    assert "next run:" in listing.stdout

    run = amap(tmp_path, "jobs", "run", "purge-expired")
    assert run.returncode == 0 and run.stdout.startswith("purge-expired: ")
    assert "last run:" in amap(tmp_path, "jobs", "list").stdout  # the run is recorded

    unknown = amap(tmp_path, "jobs", "run", "no-such-job")
    assert unknown.returncode != 0 and "deliver-outbox" in unknown.stderr
    bad_moment = amap(tmp_path, "jobs", "run", "purge-expired", "--at", "next thursday")
    assert bad_moment.returncode != 0 and "2026-12-03T17:00" in bad_moment.stderr


def test_check_fails_on_an_unreachable_database(tmp_path):
    env_result = subprocess.run(
        [sys.executable, "-m", "amap.cli", "check"],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("AMAP_")},
             "AMAP_DATA_DIR": str(tmp_path), "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
        capture_output=True, text=True, timeout=60,
    )
    assert env_result.returncode == 1 and "NO" in env_result.stdout


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_worker_process_runs_the_scheduler_and_stops_on_sigterm(tmp_path):
    import signal
    import time

    assert amap(tmp_path, "migrate").returncode == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMAP_", "DATABASE_URL"))}
    env["AMAP_DATA_DIR"] = str(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "amap.cli", "worker"], env=env, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 30
        lines = []
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            lines.append(line)
            if "scheduled purge-expired" in line:
                break
        assert any("scheduled purge-expired" in line for line in lines), lines
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        process.kill()


def test_two_web_workers_share_sessions_through_the_database(tmp_path):
    """Logged in on one worker, still logged in on whichever worker answers next."""
    import re
    import time

    import httpx

    assert amap(tmp_path, "demo").returncode == 0
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMAP_", "DATABASE_URL"))}
    env["AMAP_DATA_DIR"] = str(tmp_path)
    server = subprocess.Popen([sys.executable, "-m", "amap.cli", "serve", "--port", str(port), "--workers", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        with httpx.Client(base_url=base) as client:
            client.get("/login")
            response = client.post("/login", data={"email": "member@example.org", "password": "amap-demo",
                                                   "_csrf_token": client.cookies["csrftoken"]})
            assert response.status_code == 303
            for _ in range(30):
                page = client.get("/me", headers={"connection": "close"})
                assert page.status_code == 200 and "Camille Martin" in page.text
        server.terminate()
        log = server.communicate(timeout=20)[1]
        pids = set(re.findall(r"Started server process \[(\d+)\]", log))
        assert len(pids) == 2, log
    finally:
        server.kill()


def test_the_eve_notice_goes_out_at_17_local_time_once_and_arrives_over_smtp(tmp_path):
    """The whole path as an admin would drive it: a job run as at a moment, then the outbox sent."""
    import sqlite3
    from datetime import date, timedelta

    from tests.smtp import SmtpServer

    assert amap(tmp_path, "demo").returncode == 0
    with sqlite3.connect(tmp_path / "amap.sqlite") as database:
        [held_on] = database.execute(
            "SELECT held_on FROM distribution JOIN amap_group ON amap_group.id = distribution.\"group\" "
            "WHERE held_on > date('now') AND status = 'planned' AND slug = 'amap-des-lilas' "
            "ORDER BY held_on LIMIT 1").fetchone()
    eve = date.fromisoformat(held_on) - timedelta(days=1)
    before = amap(tmp_path, "jobs", "run", "distribution-eve", "--at", f"{eve}T16:59")
    assert before.returncode == 0 and before.stdout.strip() == "distribution-eve: 0"
    at_five = amap(tmp_path, "jobs", "run", "distribution-eve", "--at", f"{eve}T17:00")
    queued = int(at_five.stdout.strip().rpartition(" ")[2])
    assert queued > 10  # the demo's members who collect that day
    assert amap(tmp_path, "jobs", "run", "distribution-eve", "--at", f"{eve}T17:15").stdout.strip() == \
        "distribution-eve: 0"

    with SmtpServer() as smtp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AMAP_", "DATABASE_URL"))}
        env |= {"AMAP_DATA_DIR": str(tmp_path), "AMAP_PASSWORD_PROFILE": "cheapest", **smtp.env}
        sent = subprocess.run([sys.executable, "-m", "amap.cli", "jobs", "run", "deliver-outbox"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert sent.returncode == 0, sent.stderr
    assert sent.stdout.strip() == f"deliver-outbox: {queued}"
    assert len(smtp.recorder.messages) == queued and len(set(smtp.recorder.keys())) == queued
    assert "member@example.org" in {message["To"] for message in smtp.recorder.messages}
