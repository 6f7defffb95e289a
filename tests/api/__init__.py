"""Tests of the REST API, over a real HTTP server on a real store."""
