"""``huanwei serve`` (the API) and ``huanwei worker`` (plan jobs in a separate process)."""

from __future__ import annotations

import argparse
import contextlib
from typing import Any


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
    p.set_defaults(run=run_worker)


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
    with contextlib.suppress(KeyboardInterrupt):
        work(Settings.from_env(), poll_s=args.poll)
    return 0
