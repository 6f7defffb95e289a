"""Tests of the operators' console: static serving, vendored files, and a real browser."""
