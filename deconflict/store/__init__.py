"""Storage: one small interface in domain terms, on SQLite (embedded default) and PostgreSQL."""
