"""Schemas of districts, users and tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.fields import BodyId, Code, Finite, Title
from routing.domain import BodyType, WasteStream

RoleName = Literal["admin", "dispatcher", "planner", "driver"]
Speed = Annotated[Finite, Field(gt=0, le=200)]


class StreamRuleModel(BaseModel):
    """Bodies allowed to carry a stream, and whether it must travel sealed (CT1)."""

    model_config = ConfigDict(extra="forbid")

    stream: WasteStream
    bodies: Annotated[list[BodyType], Field(min_length=1)]
    sealed: bool


class RulesModel(BaseModel):
    """Rule parameters of a district (CT1, CT5, SH2, TH); an unset field takes its default."""

    model_config = ConfigDict(extra="forbid")

    on_board_limit_s: Annotated[int, Field(gt=0, le=86_400)] = 4 * 3600
    handover_s: Annotated[int, Field(ge=0, le=86_400)] = 15 * 60
    haul_body: BodyType = BodyType.HOOK_LIFT
    stream_rules: list[StreamRuleModel] | None = Field(
        default=None,
        description=(
            "default: residual (compactor or cart), kitchen (kitchen tank), night soil (suction"
            " tanker) and special (compactor) waste travel sealed; recyclables (box truck,"
            " compactor or cart) and bulky waste (box truck) need not"
        ),
    )


class DistrictCreate(BaseModel):
    """A new, empty district."""

    model_config = ConfigDict(extra="forbid")

    name: Title
    rules: RulesModel = RulesModel()
    travel_speeds: dict[Code, Speed] = Field(
        default_factory=dict,
        description="straight-line speed per travel profile in km/h (default 25)",
    )


class DistrictPublic(BaseModel):
    """A district and how many records of each kind it holds."""

    id: int
    name: str
    rules: dict[str, Any]
    travel_speeds: dict[str, float]
    travel_method: Literal["road", "straight-line"] = Field(
        description="how plans time the district's travel: on its road network, or along "
        "straight lines at ``travel_speeds``"
    )
    road_network: str | None = Field(description="the OSM extract it plans on, if any")
    created_at: dt.datetime
    counts: dict[str, int]


class DistrictPage(BaseModel):
    """A page of districts."""

    items: list[DistrictPublic]
    total: int
    offset: int
    limit: int


class ProblemImport(BaseModel):
    """A whole district as a problem file (docs/problem-format.md); ``travel`` may be left out."""

    model_config = ConfigDict(extra="forbid")

    name: Title | None = None
    problem: dict[str, Any]
    travel_speeds: dict[Code, Speed] = Field(default_factory=dict)


class Token(BaseModel):
    """A bearer token."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


Password = Annotated[str, Field(min_length=8, max_length=200)]


class UserCreate(BaseModel):
    """A new user; a driver names the district and crew it belongs to."""

    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[\w.@-]+$")]
    password: Password
    role: RoleName
    district_id: BodyId | None = None
    crew_id: Code | None = None


class PasswordChange(BaseModel):
    """The caller's current password and the new one."""

    model_config = ConfigDict(extra="forbid")

    current_password: Annotated[str, Field(max_length=200)]
    new_password: Password


class UserUpdate(BaseModel):
    """An admin's change to a user: a new role, or a new password (either ends every session
    of the user)."""

    model_config = ConfigDict(extra="forbid")

    role: RoleName | None = None
    password: Password | None = None


class UserPublic(BaseModel):
    """A user, without the password."""

    id: int
    username: str
    role: RoleName
    district_id: int | None
    crew_id: str | None
