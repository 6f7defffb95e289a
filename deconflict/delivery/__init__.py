"""Delivery of events to other systems: webhook signing, targets, retries and sending."""
