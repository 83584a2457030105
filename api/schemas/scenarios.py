"""Schemas of scenario comparisons (planners' what-ifs of a district; docs/api.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.fields import CONTROLS, TEXT_PATTERN, Finite

ComparisonStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class ScenarioIn(BaseModel):
    """One what-if: a name and the changes of a scenario file's ``[[changes]]`` tables.

    Each change is an object with ``type`` (``add-facility``, ``remove-facility``,
    ``move-facility``, ``change-facility``, ``fleet``, ``demand``, ``shifts``) and that type's
    fields, as in scenario files (README, "What-if scenarios").
    """

    model_config = ConfigDict(extra="forbid")

    name: Annotated[
        str,
        Field(min_length=1, max_length=100, pattern=f"^[^\\s/\\\\{CONTROLS}][^/\\\\{CONTROLS}]*$"),
    ]
    description: Annotated[str, Field(max_length=1000, pattern=TEXT_PATTERN)] = ""
    changes: Annotated[list[dict[str, Any]], Field(max_length=50)] = []


class ComparisonRequest(BaseModel):
    """Compare what-ifs of the district's current data (the district as it is comes first)."""

    model_config = ConfigDict(extra="forbid")

    scenarios: Annotated[list[ScenarioIn], Field(min_length=1, max_length=8)]
    include_current: bool = Field(
        default=True, description="solve the district as it is too, as the reference"
    )
    time_limit_s: Annotated[Finite, Field(gt=0, le=600)] = 30.0
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    iterations: Annotated[int | None, Field(ge=1, le=100_000)] = None


class ComparisonPublic(BaseModel):
    """A comparison job: status, progress (share of scenarios solved) and, once done, the
    report (``huanwei-scenario-comparison/1``, as ``huanwei scenario compare`` writes it).

    ``retryable``: failed (its worker lost, say) or cancelled; ``attempts``: runs started.
    """

    id: int
    district_id: int
    status: ComparisonStatus
    progress: float
    scenarios: list[str]
    error: str
    attempts: int
    cancel_requested: bool
    retryable: bool
    report: dict[str, Any] | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
