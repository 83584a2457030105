"""The scenario comparison job's row (``huanwei scenario`` over the API; docs/api.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from api.db.models import Base, utcnow


class ScenarioComparisonRow(Base):
    """A planner's request to compare what-if scenarios of a district, and its report.

    ``status``: queued, running, succeeded, failed or cancelled, as a plan job's
    (:mod:`api.jobs.store` moves both): ``heartbeat_at`` is renewed by the worker while it solves,
    and a running comparison whose heartbeat stops has lost its worker. ``request`` holds the
    scenarios as the planner sent them; ``report`` the comparison's JSON, ``html`` its page in
    Chinese and ``html_en`` in English, once succeeded (a comparison made before pages were
    kept in both languages has its English page in ``html`` and ``html_en`` empty).
    ``progress`` is the share of scenarios solved.
    """

    __tablename__ = "scenario_comparisons"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), index=True, default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    request: Mapped[dict[str, Any]] = mapped_column()
    report: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    html: Mapped[str] = mapped_column(Text, default="")
    html_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
