"""One scheduler per database: the lease, the takeover when a holder dies, exactly-once sending
when a worker is killed in the middle of a batch, and `amap jobs`."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from amap.lib.db import is_sqlite, utcnow
from amap.notifications.outbox import Recipient, notify
from amap.notifications.tables import OutboxMessage
from amap.system.tables import JobRun, SchedulerLease
from jobs.lease import AdvisoryLease, RowLease
from jobs.runs import JobFailed, run_job
from jobs.schedule import ScheduledJob, find, schedule
from jobs.worker import build_scheduler, run_scheduler
from tests.smtp import SmtpServer


async def queue(count: int, prefix: str = "batch") -> None:
    for n in range(count):
        await notify("household_invitation", f"{prefix}:{n}", Recipient(email=f"guest{n}@example.org"),
                     link=f"http://testserver/invitations/{n}", inviter="Alice")


async def test_the_row_lease_has_one_holder_until_it_expires():
    first, second = RowLease("first", ttl=timedelta(seconds=30)), RowLease("second", ttl=timedelta(seconds=30))
    assert await first.acquire() and not await second.acquire()
    assert await first.renew() and not await second.renew()
    await SchedulerLease.update({SchedulerLease.expires_at: utcnow() - timedelta(seconds=1)}).where(
        SchedulerLease.holder == "first")  # the first holder stopped renewing: it died
    assert await second.acquire() and not await first.renew()
    await second.release()
    assert await first.acquire()


@pytest.mark.postgres_only
@pytest.mark.committed
async def test_the_advisory_lock_goes_to_another_process_when_its_connection_dies():
    first, second = AdvisoryLease("first"), AdvisoryLease("second")
    try:
        assert await first.acquire() and not await second.acquire()
        assert await first.renew()
        await first.connection.close()  # as when the process is killed: the server drops the lock
        assert not await first.renew()
        assert await second.acquire()
        assert (await SchedulerLease.select(SchedulerLease.holder).first())["holder"] == "second"
    finally:
        await first.release()
        await second.release()


@pytest.mark.committed
async def test_two_schedulers_in_one_database_only_one_runs_the_jobs():
    class Probe:
        def __init__(self, name: str) -> None:
            self.lease = RowLease(name, ttl=timedelta(seconds=3)) if is_sqlite() else AdvisoryLease(name)

    first, second = Probe("first"), Probe("second")
    stop_first, stop_second = asyncio.Event(), asyncio.Event()
    tasks = [asyncio.create_task(run_scheduler(stop_first, first.lease, renew_every=0.2)),
             asyncio.create_task(run_scheduler(stop_second, second.lease, renew_every=0.2))]
    await asyncio.sleep(1)
    holder = (await SchedulerLease.select(SchedulerLease.holder).first())["holder"]
    assert holder in {"first", "second"}
    stop_first.set() if holder == "first" else stop_second.set()  # the holder stops and lets go
    await asyncio.sleep(1.5)
    assert (await SchedulerLease.select(SchedulerLease.holder).first())["holder"] == ({"first", "second"} - {holder}).pop()
    stop_first.set()
    stop_second.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=10)


def test_the_scheduler_declares_every_job_once_and_runs_the_outbox_at_start():
    names = [job.name for job in schedule()]
    assert len(names) == len(set(names)) and {"deliver-outbox", "purge-expired", "sync-calendars"} <= set(names)
    scheduler = build_scheduler()
    assert [job.id for job in scheduler.get_jobs()] == names
    assert find("deliver-outbox").run_at_start and find("no-such-job") is None


async def test_a_run_is_recorded_with_its_moment_and_a_failure_too(monkeypatch):
    moment = utcnow() - timedelta(days=3)
    assert await run_job(find("purge-expired"), moment) >= 0
    run = await JobRun.select().where(JobRun.job == "purge-expired").first()
    assert run["status"] == "ok" and run["run_for"] == moment

    broken = ScheduledJob(name="broken", func="jobs.no_such_module:nothing", trigger=find("purge-expired").trigger,
                          description="broken")
    with pytest.raises(JobFailed):
        await run_job(broken)
    failed = await JobRun.select().where(JobRun.job == "broken").first()
    assert failed["status"] == "failed" and "ModuleNotFoundError" in failed["error"]


# --- real worker processes -------------------------------------------------------------------

def worker_env(smtp: SmtpServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AMAP_SMTP")}
    return env | smtp.env | {"AMAP_SCHEDULER_RENEW_SECONDS": "0.5"}


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "amap.cli", "worker"], env=env, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)


def wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.communicate(timeout=20)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[1]


@pytest.mark.committed
async def test_a_worker_killed_in_the_middle_of_a_batch_loses_and_repeats_nothing():
    await queue(10)
    with SmtpServer() as smtp:
        env = worker_env(smtp)
        first = start_worker(env)

        def kill_at_the_fourth(accepted: int) -> None:
            if accepted == 3:  # the fourth message is starting: the worker dies before it is accepted
                os.kill(first.pid, signal.SIGKILL)
                smtp.recorder.on_mail = None

        smtp.recorder.on_mail = kill_at_the_fourth
        try:
            await asyncio.to_thread(wait_for, lambda: first.poll() is not None)
            assert len(smtp.recorder.messages) == 3
            second = start_worker(env)
            try:
                await asyncio.to_thread(wait_for, lambda: len(smtp.recorder.messages) >= 10)
                await asyncio.sleep(1)  # time for a duplicate to show up, if there were one
            finally:
                log = stop(second)
        finally:
            stop(first)
    assert len(smtp.recorder.messages) == 10, log
    assert len(set(smtp.recorder.keys())) == 10
    assert {m["To"] for m in smtp.recorder.messages} == {f"guest{n}@example.org" for n in range(10)}
    assert await OutboxMessage.count().where(OutboxMessage.status == "sent") == 10
    assert "queued again" in log  # the half-sent fourth message was taken back


@pytest.mark.committed
async def test_two_workers_on_one_database_one_schedules_and_the_other_takes_over_when_it_dies():
    with SmtpServer() as smtp:
        env = worker_env(smtp)
        workers = [start_worker(env), start_worker(env)]
        try:
            async def current_holder() -> int | None:
                row = await SchedulerLease.select(SchedulerLease.holder).first()
                return int(row["holder"].split(":")[1]) if row and row["holder"] else None

            def holder_pid() -> int | None:  # from the waiting thread, through the test's event loop
                return asyncio.run_coroutine_threadsafe(current_holder(), loop).result()

            loop = asyncio.get_running_loop()
            await asyncio.to_thread(wait_for, lambda: holder_pid() is not None)
            first_holder = await current_holder()
            assert first_holder in {w.pid for w in workers}
            await queue(5, "before")
            await asyncio.to_thread(wait_for, lambda: len(smtp.recorder.messages) == 5)
            # The holder dies once its batch is recorded as sent. Killed between the mail server's
            # acceptance of a message and that record, it would send the message again after the
            # takeover: at least once, as the test above shows, and this test counts exactly once.
            await asyncio.to_thread(wait_for, lambda: asyncio.run_coroutine_threadsafe(
                OutboxMessage.count().where(OutboxMessage.status == "sent").run(), loop).result() == 5)

            [holder] = [w for w in workers if w.pid == first_holder]
            holder.kill()  # no goodbye: its lease must expire (SQLite) or its connection drop (PostgreSQL)
            holder.wait()
            await asyncio.to_thread(wait_for, lambda: holder_pid() not in (None, first_holder))
            await queue(5, "after")
            await asyncio.to_thread(wait_for, lambda: len(smtp.recorder.messages) == 10)
            await asyncio.sleep(1)
        except AssertionError as error:
            failure: AssertionError | None = error
        else:
            failure = None
        finally:
            logs = [stop(w) for w in workers]
    if failure is not None:  # say what each worker did: waited, took over, ran the outbox, failed to send
        raise AssertionError(f"{failure} with {len(smtp.recorder.messages)} mails received; the workers' logs:\n"
                             + "\n----\n".join(logs)) from failure
    assert len(smtp.recorder.messages) == 10 and len(set(smtp.recorder.keys())) == 10
    survivor_log = logs[0] if workers[1].pid == first_holder else logs[1]
    assert survivor_log.count("this process runs the scheduler") == 1
