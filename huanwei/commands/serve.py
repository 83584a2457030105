"""``huanwei serve`` (the API) and ``huanwei worker`` (plan jobs in a separate process)."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from pathlib import Path
from typing import Any

ALIVE_EVERY_S = 5.0


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``serve`` and ``worker`` commands."""
    p = sub.add_parser(
        "serve",
        help="start the API (SpatiaLite in out/ unless HUANWEI_DATABASE_URL names PostGIS)",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--no-migrate", action="store_true", help="do not apply database migrations first"
    )
    p.set_defaults(run=run_serve)
    p = sub.add_parser("worker", help="run queued plan jobs (HUANWEI_JOB_EXECUTOR=external)")
    p.add_argument("--poll", type=float, default=1.0, help="seconds between looks for jobs")
    p.add_argument(
        "--alive-file",
        type=Path,
        help=f"touch this file every {ALIVE_EVERY_S:g} s while the worker runs (health checks)",
    )
    p.set_defaults(run=run_worker)
    p = sub.add_parser("migrate", help="apply the database migrations (HUANWEI_DATABASE_URL)")
    p.set_defaults(run=run_migrate)
    p = sub.add_parser(
        "alive", help="exit 0 if FILE was touched within --max-age seconds (a worker's health)"
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--max-age", type=float, default=30.0)
    p.set_defaults(run=run_alive)


def run_serve(args: argparse.Namespace) -> int:
    """Migrate the database, then serve the API until interrupted."""
    from api.server import serve

    serve(host=args.host, port=args.port, migrate=not args.no_migrate)
    return 0


def run_worker(args: argparse.Namespace) -> int:
    """Run plan jobs until interrupted."""
    import logging

    from api.core.config import Settings
    from api.jobs.worker import work

    logging.basicConfig(level=logging.INFO)
    settings = Settings.from_env()
    done = threading.Event()
    if args.alive_file is not None:
        args.alive_file.touch()  # a path that cannot be written fails here, before any job
        threading.Thread(target=_keep_alive, args=(args.alive_file, done), daemon=True).start()
    try:
        with contextlib.suppress(KeyboardInterrupt):
            work(settings, poll_s=args.poll)
    finally:
        done.set()
    return 0


def _keep_alive(path: Path, done: threading.Event) -> None:
    """Touch ``path`` every few seconds until ``done``: the process is up and not wedged in
    its interpreter (a solve holds no lock this thread needs)."""
    while not done.wait(ALIVE_EVERY_S):
        with contextlib.suppress(OSError):
            path.touch()


def run_migrate(args: argparse.Namespace) -> int:
    """Bring the database named by the environment to the newest schema."""
    from api.core.config import Settings
    from api.db.migrate import upgrade

    settings = Settings.from_env()
    upgrade(database_url=settings.database_url)
    print(f"huanwei: database at the newest schema ({settings.database_url.split('://')[0]})")
    return 0


def run_alive(args: argparse.Namespace) -> int:
    """0 if the file was touched within the last ``--max-age`` seconds, else 1 with the reason."""
    try:
        age = time.time() - args.file.stat().st_mtime
    except FileNotFoundError:
        print(f"huanwei: {args.file} does not exist: the worker has not started", file=sys.stderr)
        return 1
    if age > args.max_age:
        print(f"huanwei: {args.file} last touched {age:.0f} s ago", file=sys.stderr)
        return 1
    return 0
