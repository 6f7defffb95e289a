"""Tests of the stores: one contract suite on SQLite and PostgreSQL, and the codec."""
