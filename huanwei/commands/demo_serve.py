"""``huanwei demo-serve``: the demo's district and plan in the API's database, then the API.

``make demo`` runs ``huanwei demo`` (which writes ``problem.json`` and ``plan.json``) and then this
command: it stores the district, publishes its plan for today and tomorrow (a browser ahead of the
server's clock — Beijing is eight hours ahead of UTC — already asks for tomorrow's; the pages are
never empty after midnight), creates a dispatcher and a driver with fresh passwords (printed once)
and serves the API on localhost. Running it again replaces
the demo district and its users; nothing is duplicated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from routing.plan import Plan
    from routing.problem import Problem

DISPATCHER = "demo-dispatcher"
DRIVER = "demo-driver"
PASSWORD_BYTES = 9  # 12 URL-safe characters


@dataclass(frozen=True, slots=True)
class DemoDistrict:
    """What :func:`load_demo` stored: the district, its published plans (today's first) and the
    demo logins."""

    district_id: int
    plan_ids: tuple[int, ...]
    plan_dates: tuple[dt.date, ...]
    crew_id: str
    passwords: dict[str, str]


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``demo-serve`` command."""
    p = sub.add_parser(
        "demo-serve",
        help="store the demo's district and plan in the API database, then serve the API",
    )
    p.add_argument("--out", type=Path, default=Path("out/demo"), help="folder `huanwei demo` wrote")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="store the demo and stop")
    p.set_defaults(run=run_demo_serve)


def run_demo_serve(args: argparse.Namespace) -> int:
    """Store the demo (see the module's description), then serve until interrupted."""
    from api.core.config import Settings

    settings = Settings.from_env()
    demo = load_demo(args.out, database_url=settings.database_url)
    print(
        f"demo district {demo.district_id} stored with its plan, published for "
        + " and ".join(d.isoformat() for d in demo.plan_dates)
        + f" (plans {', '.join(map(str, demo.plan_ids))})"
    )
    print("logins (passwords are shown only now; run again for new ones):")
    for username, password in demo.passwords.items():
        role = "driver of crew " + demo.crew_id if username == DRIVER else "dispatcher"
        print(f"  {username} / {password}  ({role})")
    if args.no_serve:
        return 0
    from api.server import serve

    serve(host=args.host, port=args.port, migrate=False)  # prints the API's address
    return 0


def load_demo(out: Path, *, database_url: str, plan_date: dt.date | None = None) -> DemoDistrict:
    """Store ``out``'s problem and plan as a district with a published plan, and demo users.

    The district and the users of an earlier run are replaced, in one transaction. The district's
    travel is straight-line per vehicle profile (the API's travel model); the plan's validation
    report and KPIs are computed on the problem file's own travel (road matrices for the demo).

    Parameters
    ----------
    out
        The folder with ``problem.json`` and ``plan.json``.
    plan_date
        The first day the plan is published for (default: today); it is published for the next
        day too.
    """
    problem, plan, crew_id = _read_demo(out)
    first = plan_date or dt.date.today()
    days = (first, first + dt.timedelta(days=1))
    passwords = {name: secrets.token_urlsafe(PASSWORD_BYTES) for name in (DISPATCHER, DRIVER)}
    district_id, plan_ids = _store_demo(
        database_url, problem, plan, days=days, crew_id=crew_id, passwords=passwords
    )
    return DemoDistrict(
        district_id=district_id,
        plan_ids=plan_ids,
        plan_dates=days,
        crew_id=crew_id,
        passwords=passwords,
    )


def _read_demo(out: Path) -> tuple[Problem, Plan, str]:
    """``out``'s problem and plan, and the crew of the first route with a trip (the driver's)."""
    from routing.errors import Defect, PlanFormatError
    from routing.plan_file import read_plan
    from routing.problem_file import read_problem

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `huanwei demo` has shown the road network's notes
        problem = read_problem(out / "problem.json")
    plan = read_plan(out / "plan.json")
    crews = [r.crew_id for r in sorted(plan.routes, key=lambda r: r.start_s) if r.trips]
    if not crews:
        raise PlanFormatError(
            [Defect("plan", "routes", "has no route with a trip to give the demo driver")],
            source=str(out / "plan.json"),
        )
    return problem, plan, crews[0]


def _store_demo(
    database_url: str,
    problem: Problem,
    plan: Plan,
    *,
    days: tuple[dt.date, ...],
    crew_id: str,
    passwords: dict[str, str],
) -> tuple[int, tuple[int, ...]]:
    """Store the district, publish ``plan`` for each of ``days`` and replace the demo users, in
    one transaction; the district's id and the plans'."""
    from api.db.engine import make_engine, session_factory
    from api.db.migrate import upgrade
    from api.repositories import districts as repo
    from api.repositories import kinds as k
    from api.repositories import plans as plan_store
    from api.repositories.users import replace_user

    upgrade(database_url=database_url)
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            district = repo.replace_district(session, problem, speeds_kmh={})
            rows = []
            for day in days:
                row = plan_store.add_ready_plan(
                    session, district_id=district.id, plan_date=day, problem=problem, plan=plan
                )
                plan_store.publish(session, row)
                rows.append(row)
            crew_row = repo.get_row(session, k.CREWS, district.id, crew_id)
            replace_user(
                session, username=DISPATCHER, password=passwords[DISPATCHER], role="dispatcher"
            )
            replace_user(
                session,
                username=DRIVER,
                password=passwords[DRIVER],
                role="driver",
                crew_row_id=crew_row.id,
            )
            session.commit()
            return district.id, tuple(r.id for r in rows)
    finally:
        engine.dispose()
