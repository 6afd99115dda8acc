"""Benchmark of the reminder delivery (issue 12, "Must show"): the real worker, the emulator.

    python bench/reminder_bench.py [--reminders N] [--chats M] [--kill] [--quick] [--db URL]

Puts N reminders (outbox rows, default 10,000) for M chats (default 2,000; each row to a chat
drawn at random, all due now) into a temporary SQLite database migrated to head (or the empty,
migrated database of ``--db URL``), starts the project's Bot API emulator (``python -m
sandbox``) on loopback with Telegram's limits switched on, and runs the real ``jointcheck
worker`` (``bot.worker.Worker``: the scans, the one ``OutboxSender`` with ``telegram_deliver``
and an aiogram Bot pointed at the emulator) until every row is sent.

Each row's text carries its own tag (``BENCH-<n>``, in the plan-missing reminder's department
list), so the bench reads every chat back from the emulator and counts rows never delivered
(lost) and rows delivered more than once (doubled); the emulator counts the messages its
limits refused with a 429 (``GET /control/flood/violations``). Throughput is measured from the
rows' ``sent_at`` (first to last delivery) against the sender's configured limit.

``--kill``: the worker is SIGKILLed once half the rows are sent, restarted at once, and the
count is taken again; the rows the kill caught inside their lease (at most two: the one
being sent and the one claimed behind it; only the first can arrive twice) are sent again
after the lease (``services.notifications.LEASE``), and that wait and the restart are left out
of the throughput. ``--quick``: 1,000 reminders to 200 chats.

The last line reads ``reminders: sent S of N, lost L, doubled D, per-chat violations V,
throughput T/s (R% of the limit)``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import func, insert, select

from services.notification_kinds import NotificationKind, PlanMissingPayload, dump_payload
from services.notifications import LEASE, RateLimiter
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Account, Outbox

ROOT = Path(__file__).resolve().parents[1]
JOINTCHECK = Path(sys.executable).parent / "jointcheck"
TOKEN = "123456789:ABCdefGHIjklMNOpqrSTUvwxYZ012345678"
TAG = re.compile(r"BENCH-(\d+)")
FIRST_CHAT = 800_000_000


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_emulator(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``python -m sandbox`` on a free loopback port, flood limits on; its process and URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/control/flood", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the emulator did not start")


def start_worker(api: str, db_url: str, log: Path) -> subprocess.Popen[bytes]:
    """The real ``jointcheck worker`` on the emulator and the bench database."""
    env = {
        **os.environ,
        "JOINTCHECK_BOT_TOKEN": TOKEN,
        "JOINTCHECK_BOT_API_URL": api,
        "JOINTCHECK_DATABASE_URL": db_url,
        "JOINTCHECK_QUIET_HOURS": "",  # the bench runs at any hour
        "JOINTCHECK_AUDIT_KEY_PATH": str(log.parent / "audit.key"),
        "JOINTCHECK_AUDIT_CHECKPOINT_PATH": str(log.parent / "checkpoints"),
    }
    for name in ("JOINTCHECK_REDIS_URL", "JOINTCHECK_BOT_USERNAME"):
        env.pop(name, None)
    return subprocess.Popen([str(JOINTCHECK), "worker"], cwd=ROOT, env=env,
                            stdout=log.open("a"), stderr=subprocess.STDOUT)


async def load(db_url: str, reminders: int, chats: int) -> None:
    """M bound accounts and N plan-missing reminders, each tagged, each to a random chat."""
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    rng = random.Random(12)
    now = dt.datetime.now(dt.UTC)
    async with sessions() as session:
        await session.execute(insert(Account), [
            {"name": f"bench {n}", "roles": [], "telegram_user_id": FIRST_CHAT + n,
             "language": "zh_CN", "active": True}
            for n in range(chats)
        ])
        ids = list((await session.scalars(select(Account.id).order_by(Account.id))).all())
        rows = []
        for n in range(reminders):
            payload = PlanMissingPayload(year=2027, deadline=dt.date(2026, 11, 30),
                                         departments=(f"BENCH-{n}",))
            rows.append({
                "account_id": rng.choice(ids), "kind": str(NotificationKind.PLAN_MISSING),
                "dedup_key": f"bench:{n}", "payload": dump_payload(payload),
                "cancel_reason": "", "due_at": now, "attempts": 0, "last_error": "",
            })
        for start in range(0, len(rows), 2000):
            await session.execute(insert(Outbox), rows[start:start + 2000])
        await session.commit()
    await engine.dispose()


async def sent_count(db_url: str) -> int:
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session:
            return int(await session.scalar(
                select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_not(None))
            ) or 0)
    finally:
        await engine.dispose()


async def sent_rows(db_url: str) -> list[tuple[dt.datetime, int]]:
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session:
            return [(when, attempts) for when, attempts in (await session.execute(
                select(Outbox.sent_at, Outbox.attempts).where(Outbox.sent_at.is_not(None))
            )).all()]
    finally:
        await engine.dispose()


def delivered(http: httpx.Client, chats: int) -> collections.Counter[int]:
    """How many times each tag reached a chat, read back from the emulator."""
    seen: collections.Counter[int] = collections.Counter()
    for n in range(chats):
        response = http.get(f"/control/chats/{FIRST_CHAT + n}/messages",
                            params={"since_id": 0})
        if response.status_code == 404:
            continue
        response.raise_for_status()
        for message in response.json():
            if message.get("from_bot"):
                seen.update(int(tag) for tag in TAG.findall(message.get("text") or ""))
    return seen


def wait_sent(db_url: str, target: int, timeout: float, proc: subprocess.Popen[bytes]) -> int:
    """Poll the database until ``target`` rows are sent (or the worker died, or time is up)."""
    deadline = time.monotonic() + timeout
    count = 0
    while time.monotonic() < deadline and proc.poll() is None:
        count = asyncio.run(sent_count(db_url))
        if count >= target:
            break
        time.sleep(0.5)
    return count


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def throughput(rows: list[tuple[dt.datetime, int]], kill_at: dt.datetime | None) -> float:
    """Messages a second while the sender was sending: first to last ``sent_at``, per run of
    the worker; rows sent again after the kill's lease (``attempts > 1``) left out."""
    first = sorted(when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when
                   for when, attempts in rows if attempts == 1)
    segments = [first] if kill_at is None else [
        [w for w in first if w <= kill_at], [w for w in first if w > kill_at]]
    count = sum(len(s) for s in segments)
    span = sum((s[-1] - s[0]).total_seconds() for s in segments if len(s) > 1)
    # n messages over a span hold n - 1 intervals, one per run
    intervals = count - sum(1 for s in segments if s)
    return intervals / span if span > 0 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=2_000)
    parser.add_argument("--kill", action="store_true", help="SIGKILL the worker half-way")
    parser.add_argument("--quick", action="store_true", help="1,000 reminders to 200 chats")
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite)")
    args = parser.parse_args()
    if args.quick:
        args.reminders, args.chats = 1_000, 200
    n, m = args.reminders, args.chats
    limit = RateLimiter().per_second
    work = Path(tempfile.mkdtemp(prefix="reminder-bench-"))
    db_url = args.db or f"sqlite+aiosqlite:///{work / 'bench.db'}"
    print(f"{n} reminders to {m} chats on {db_url.split('://')[0]}; work dir {work}")
    upgrade(db_url)
    asyncio.run(load(db_url, n, m))
    emulator, api = start_emulator(work / "emulator.log")
    http = httpx.Client(base_url=api, timeout=30)
    try:
        flood = http.post("/control/flood", json={"enabled": True}).json()
        print(f"emulator {api}: limits {flood}")
        for k in range(m):
            http.post("/control/users", json={"id": FIRST_CHAT + k,
                                              "first_name": f"b{k}"}).raise_for_status()
        budget = n / limit * 2 + 60
        log = work / "worker.log"
        started = time.monotonic()
        worker = start_worker(api, db_url, log)
        kill_at: dt.datetime | None = None
        try:
            if args.kill:
                half = wait_sent(db_url, n // 2, budget, worker)
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                kill_at = dt.datetime.now(dt.UTC)
                print(f"SIGKILL after {half} sent ({time.monotonic() - started:.1f} s); restart")
                worker = start_worker(api, db_url, log)
                budget += LEASE.total_seconds()
            count = wait_sent(db_url, n, budget, worker)
        finally:
            stop(worker)
        elapsed = time.monotonic() - started
        seen = delivered(http, m)
        violations = http.get("/control/flood/violations").json()
    finally:
        http.close()
        emulator.terminate()
        emulator.wait()
    rows = asyncio.run(sent_rows(db_url))
    rate = throughput(rows, kill_at)
    resent = sum(1 for _when, attempts in rows if attempts > 1)
    sent = sum(1 for tag in range(n) if seen[tag])
    lost = n - sent
    doubled = sum(1 for tag in range(n) if seen[tag] > 1)
    stray = sum(1 for tag in seen if tag >= n)
    print(f"database: {count} rows marked sent, {resent} sent after a retry or a lease; "
          f"wall {elapsed:.1f} s; emulator refusals {violations}; stray tags {stray}")
    print(f"sender limit {limit:g}/s per bot, "
          f"{RateLimiter().per_chat_per_second:g}/s per chat")
    print(f"reminders: sent {sent} of {n}, lost {lost}, doubled {doubled}, per-chat violations "
          f"{violations['per_chat']}, throughput {rate:.1f}/s ({rate / limit:.0%} of the limit)")


if __name__ == "__main__":
    main()
