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


@pytest.mark.parametrize("command", ["serve", "worker", "migrate", "demo", "createuser", "check", "token"])
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
    token = amap(tmp_path, "token", "create", "lea@example.org")
    assert token.returncode == 0 and token.stdout.strip().startswith("amap_")
    assert amap(tmp_path, "token", "create", "ghost@example.org").returncode != 0


def test_check_fails_on_an_unreachable_database(tmp_path):
    env_result = subprocess.run(
        [sys.executable, "-m", "amap.cli", "check"],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("AMAP_")},
             "AMAP_DATA_DIR": str(tmp_path), "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
        capture_output=True, text=True, timeout=60,
    )
    assert env_result.returncode == 1 and "NO" in env_result.stdout
