"""Tests of the pure geometry core, one module per module of deconflict.geometry."""
