"""API schemas (pydantic), kept apart from the ORM models."""
