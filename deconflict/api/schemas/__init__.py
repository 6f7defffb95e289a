"""Pydantic models of the API's JSON, each with `to_domain`/`from_domain` beside it."""
