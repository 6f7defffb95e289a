"""The record repositories of the coordination loop, written once for SQLite and PostgreSQL."""
