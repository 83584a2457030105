"""The optimiser's tuning constants: validated, one home, loadable from TOML."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from routing.errors import FieldError, RecordError
from routing.solve import SolveParams


def test_the_defaults_are_valid_and_frozen() -> None:
    params = SolveParams()
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.routing_share = 0.5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("routing_share", 1.0),
        ("allocation_share", 0.0),
        ("sector_jobs", 0),
        ("sector_jobs", 1.5),
        ("greedy_candidates", True),
        ("prize_factor", float("inf")),
        ("reserve_min_s", -1.0),
    ],
)
def test_a_bad_value_is_refused_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(FieldError) as caught:
        SolveParams(**{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(RecordError) as caught:
        SolveParams(routing_share=2.0, sector_jobs=-1)
    assert [e.field for e in caught.value.errors] == ["sector_jobs", "routing_share"]


def test_a_file_sets_some_fields_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "params.toml"
    path.write_text("routing_share = 0.4\nsector_jobs = 900\n", "utf-8")
    params = SolveParams.from_file(path)
    assert params == SolveParams(routing_share=0.4, sector_jobs=900)


def test_a_file_with_an_unknown_or_bad_field_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "params.toml"
    path.write_text("routing_shares = 0.4\n", "utf-8")
    with pytest.raises(FieldError, match=r"params\.toml: routing_shares: is not a parameter"):
        SolveParams.from_file(path)
    path.write_text('sector_jobs = "many"\n', "utf-8")
    with pytest.raises(FieldError, match=r"params\.toml: sector_jobs: must be a whole number"):
        SolveParams.from_file(path)
    path.write_text("sector_jobs = \n", "utf-8")
    with pytest.raises(FieldError, match="params: cannot be read"):
        SolveParams.from_file(path)
