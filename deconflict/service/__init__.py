"""Use cases: each runs in one store transaction, and the service owns the clock."""
