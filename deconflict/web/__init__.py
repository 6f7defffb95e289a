"""The operators' console: a map page over the REST API, served beside it; no business logic."""
