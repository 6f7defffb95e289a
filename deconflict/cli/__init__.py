"""The command line face: serve, demo, and the operator's party, key, audit and db commands."""
