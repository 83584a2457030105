"""Settings of the API, read from the environment when the app is built (never at import time).

=============================  =================================================================
variable                       meaning
=============================  =================================================================
HUANWEI_DATABASE_URL           ``postgresql://…`` (PostGIS) or ``sqlite:///path`` (SpatiaLite);
                               default :data:`DEFAULT_DATABASE_URL`
HUANWEI_SECRET_KEY             signs access tokens (32+ characters); when unset, a key is
                               generated on first start and kept in the data directory
                               (``secret.key``, mode 0600)
HUANWEI_DATA_DIR               where the generated secret key is kept (default ``out``)
HUANWEI_ENVIRONMENT            ``development`` (default), ``test`` or ``production``
HUANWEI_TOKEN_TTL_S            lifetime of an access token in seconds (default 12 h)
HUANWEI_JOB_EXECUTOR           ``process`` (default), ``thread`` or ``external`` (``huanwei
                               worker`` processes run the jobs)
HUANWEI_JOB_WORKERS            plan jobs run at once by the embedded executor (default 1)
HUANWEI_API_PROCESSES          processes serving requests (default 1); each has its own
                               assignment cache and, unless ``external``, its own job executor
HUANWEI_JOB_NICE               niceness added to the ``process`` executor's workers (default 10,
                               0–19): solving yields the CPU to requests
HUANWEI_STALE_JOB_S            a running job without a heartbeat for this long has lost its
                               worker and is failed (default 60)
HUANWEI_ADMIN_PASSWORD         if set, an ``admin`` user with this password is created at start
                               when no admin exists
HUANWEI_ACCESS_LOG             ``1`` logs every request (default ``0``: a log line per request
                               costs a driver's request ~1 ms under load)
=============================  =================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from api.core.security import stored_secret
from routing.errors import FieldError

#: A secret that is public (it is in this repository): tests may sign with it, nothing else may.
DEVELOPMENT_SECRET = "huanwei-development-secret-do-not-use-in-production"
DEFAULT_DATABASE_URL = "sqlite:///out/huanwei.sqlite"
DEFAULT_DATA_DIR = "out"
ENVIRONMENTS = ("development", "test", "production")
EXECUTORS = ("process", "thread", "external")
MIN_SECRET_LENGTH = 32
MAX_NICE = 19


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """What the API needs to run; see the module's table for the environment variables.

    Raises
    ------
    FieldError
        If a value is unusable, or the public development secret is used outside tests.
    """

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    data_dir: str = DEFAULT_DATA_DIR
    environment: str = "development"
    token_ttl_s: int = 12 * 3600
    job_executor: str = "process"
    job_workers: int = 1
    job_nice: int = 10
    api_processes: int = 1
    stale_job_s: int = 60
    admin_password: str | None = None
    access_log: bool = False

    def __post_init__(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise FieldError("environment", f"must be one of {', '.join(ENVIRONMENTS)}")
        if self.job_executor not in EXECUTORS:
            raise FieldError("job_executor", f"must be one of {', '.join(EXECUTORS)}")
        if self.secret_key is not None and self.environment != "test":
            if self.secret_key == DEVELOPMENT_SECRET:
                raise FieldError(
                    "secret_key",
                    "the development secret is public and only tests may use it: set "
                    "HUANWEI_SECRET_KEY to a secret of your own, or leave it unset to have one "
                    "generated",
                )
            if len(self.secret_key) < MIN_SECRET_LENGTH:
                raise FieldError("secret_key", f"must have at least {MIN_SECRET_LENGTH} characters")
        for name in ("token_ttl_s", "job_workers", "stale_job_s", "api_processes"):
            if getattr(self, name) < 1:
                raise FieldError(name, "must be at least 1")
        if not 0 <= self.job_nice <= MAX_NICE:
            raise FieldError("job_nice", f"must be 0 to {MAX_NICE}")
        if not self.database_url.startswith(("sqlite", "postgresql")):
            raise FieldError("database_url", "must be a sqlite:/// or postgresql:// URL")

    def signing_key(self) -> str:
        """The key that signs tokens: the configured one, else the one kept in the data
        directory (generated there, mode 0600, on first use)."""
        if self.secret_key is not None:
            return self.secret_key
        return stored_secret(Path(self.data_dir))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``HUANWEI_*`` variables of ``environ`` (default: the process's)."""
        env = os.environ if environ is None else environ

        def number(name: str, default: int) -> int:
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                return int(raw)
            except ValueError:
                raise FieldError(name, f"must be an integer, got {raw!r}") from None

        def flag(name: str) -> bool:
            raw = (env.get(name) or "0").strip().lower()
            if raw not in ("0", "1", "true", "false", "yes", "no"):
                raise FieldError(name, f"must be 1 or 0, got {raw!r}")
            return raw in ("1", "true", "yes")

        return cls(
            database_url=env.get("HUANWEI_DATABASE_URL") or DEFAULT_DATABASE_URL,
            secret_key=env.get("HUANWEI_SECRET_KEY") or None,
            data_dir=env.get("HUANWEI_DATA_DIR") or DEFAULT_DATA_DIR,
            environment=env.get("HUANWEI_ENVIRONMENT") or "development",
            token_ttl_s=number("HUANWEI_TOKEN_TTL_S", 12 * 3600),
            job_executor=env.get("HUANWEI_JOB_EXECUTOR") or "process",
            job_workers=number("HUANWEI_JOB_WORKERS", 1),
            job_nice=number("HUANWEI_JOB_NICE", 10),
            api_processes=number("HUANWEI_API_PROCESSES", 1),
            stale_job_s=number("HUANWEI_STALE_JOB_S", 60),
            admin_password=env.get("HUANWEI_ADMIN_PASSWORD") or None,
            access_log=flag("HUANWEI_ACCESS_LOG"),
        )
