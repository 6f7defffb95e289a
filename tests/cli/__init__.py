"""Tests of the command line, run as a newcomer runs it: a real process."""
