"""Serving the API with uvicorn (what ``huanwei serve`` runs)."""

from __future__ import annotations

import uvicorn

from api.core.config import Settings
from api.db.migrate import upgrade
from api.main import create_app


def serve(*, host: str, port: int, migrate: bool = True) -> None:
    """Apply migrations (unless ``migrate`` is false), then serve until interrupted."""
    settings = Settings.from_env()
    if migrate:
        upgrade(database_url=settings.database_url)
    print(f"Huanwei API: http://{host}:{port} (pages: /web/, docs: /docs)", flush=True)
    if settings.api_processes == 1:
        uvicorn.run(create_app(settings), host=host, port=port, access_log=settings.access_log)
    else:  # each process builds the app from the same environment
        uvicorn.run(
            "api.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=settings.api_processes,
            access_log=settings.access_log,
        )
