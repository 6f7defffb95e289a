"""Use-case tests: the coordination loop on real stores, with a hand-moved clock."""
