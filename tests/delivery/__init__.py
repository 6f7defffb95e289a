"""Tests of webhook signing, targets, retries and sending, and a receiver for any test."""
