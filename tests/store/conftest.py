"""The store contract tests use the `store` fixture of tests/conftest.py: SQLite and PostgreSQL."""
