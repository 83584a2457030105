"""Token versions of users, ids that SQLite never hands out again, one publishing job a day.

``users.token_version`` is carried by every access token; bumping it refuses the tokens issued
before. On SQLite the tables whose ids reach tokens, caches and people (users, districts, plans,
plan jobs) are rebuilt as ``AUTOINCREMENT`` tables: without it a deleted row's id was given to the
next row, so a deleted user's token named the next user created. PostgreSQL's sequences never
reuse an id. At most one job on its way to publishing a district-day (queued or running with
``publish``): of earlier ones, only the newest request keeps ``publish``.

Revision ID: 0005_token_versions
Revises: 0004_scenario_plan_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_token_versions"
down_revision = "0004_scenario_plan_jobs"
branch_labels = None
depends_on = None

#: Rebuilt on SQLite (the env turns foreign keys off meanwhile, so no row is cascaded away).
NEVER_REUSE_IDS = ("users", "districts", "plans", "plan_jobs")
PUBLISHING_JOB = "publish AND status IN ('queued', 'running')"


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("token_version", sa.Integer(), nullable=False, server_default="0")
    )
    if op.get_bind().dialect.name == "sqlite":
        for table in NEVER_REUSE_IDS:
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass
    op.execute(
        f"""UPDATE plan_jobs SET publish = false WHERE {PUBLISHING_JOB} AND id NOT IN (
                SELECT max(id) FROM plan_jobs WHERE {PUBLISHING_JOB}
                GROUP BY district_id, plan_date)"""
    )
    op.create_index(
        "uq_plan_jobs_publishing_day",
        "plan_jobs",
        ["district_id", "plan_date"],
        unique=True,
        postgresql_where=sa.text(PUBLISHING_JOB),
        sqlite_where=sa.text(PUBLISHING_JOB),
    )


def downgrade() -> None:
    op.drop_index("uq_plan_jobs_publishing_day", table_name="plan_jobs")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("token_version")
