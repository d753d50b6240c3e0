"""Alembic migrations: the only path by which the archive's schema changes."""
