"""The REST API face: parse, authenticate, call a use case, render."""
