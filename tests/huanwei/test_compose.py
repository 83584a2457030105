"""docker/compose.yaml: no Docker engine runs here, so its commands are checked against the CLI."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from huanwei.cli import build_parser, main

COMPOSE = Path(__file__).resolve().parents[2] / "docker" / "compose.yaml"
DOCKERFILE = COMPOSE.with_name("Dockerfile")


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
    return loaded


def _huanwei_args(command: list[str]) -> list[str]:
    assert "huanwei" in command, f"{command} does not run huanwei"
    return command[command.index("huanwei") + 1 :]


def test_every_huanwei_command_in_compose_parses(services: dict[str, Any]) -> None:
    parser = build_parser()
    commands = [s["command"] for s in services.values() if "command" in s]
    commands += [
        s["healthcheck"]["test"][1:]
        for s in services.values()
        if "healthcheck" in s and "huanwei" in s["healthcheck"]["test"]
    ]
    # The api service runs the image's own command.
    cmd = next(line for line in DOCKERFILE.read_text().splitlines() if line.startswith("CMD "))
    commands.append(json.loads(cmd.removeprefix("CMD ")))
    assert len(commands) >= 5
    for command in commands:
        if "huanwei" in command:
            parser.parse_args(_huanwei_args(command))  # exits (fails the test) if unknown


def test_services_wait_for_the_database_and_the_migrations(services: dict[str, Any]) -> None:
    assert set(services) >= {"db", "migrate", "api", "worker", "scenario-worker"}
    assert _huanwei_args(services["migrate"]["command"]) == ["migrate"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("api", "worker", "scenario-worker"):
        wait = services[name]["depends_on"]["migrate"]["condition"]
        assert wait == "service_completed_successfully", name
        assert services[name]["environment"]["HUANWEI_ENVIRONMENT"] == "production"
    for name in ("db", "api", "worker"):
        assert services[name]["healthcheck"]["test"], name
    # The worker's health check reads the file its command keeps touching.
    command = services["worker"]["command"]
    alive = command[command.index("--alive-file") + 1]
    assert alive in services["worker"]["healthcheck"]["test"]


def test_alive_tells_a_fresh_file_from_a_stale_or_missing_one(tmp_path: Path) -> None:
    beat = tmp_path / "worker.alive"
    assert main(["alive", str(beat)]) == 1
    beat.touch()
    assert main(["alive", str(beat), "--max-age", "30"]) == 0
    old = time.time() - 60
    os.utime(beat, (old, old))
    assert main(["alive", str(beat), "--max-age", "30"]) == 1


def test_migrate_builds_the_schema_of_an_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "fresh.sqlite"
    monkeypatch.setenv("HUANWEI_DATABASE_URL", f"sqlite:///{database}")
    assert main(["migrate"]) == 0
    with contextlib.closing(sqlite3.connect(database)) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {name for (name,) in rows}
    assert {"alembic_version", "collection_points", "plan_jobs"} <= tables
