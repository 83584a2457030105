"""Persistence: engines for PostGIS and SpatiaLite, ORM models, repositories."""
