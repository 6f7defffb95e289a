"""docs/api.md in step with the code: its limits table is the constants it names."""

from __future__ import annotations

import importlib
import re
from datetime import datetime, timedelta
from pathlib import Path

from deconflict.api.problems import PROBLEM_TYPES
from deconflict.geometry import limits

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
#: Limits a client meets outside the geometry module; each must have its row too.
OTHER_LIMITS = {
    "domain.zone.MAX_VOLUMES",
    "domain.zone.MAX_NAME_CHARS",
    "domain.operation.MAX_PRIORITY",
    "domain.operation.MAX_PURPOSE_CHARS",
    "domain.operation.MAX_JUSTIFICATION_CHARS",
    "domain.consultation.MAX_TEXT_CHARS",
    "domain.warning.MAX_MESSAGE_CHARS",
    "domain.webhook.MAX_DESCRIPTION_CHARS",
    "delivery.targets.MAX_URL_CHARS",
}
_ROW = re.compile(
    r"^\| (?P<what>[^|]+) \| (?P<value>[^|]+) \| `(?P<name>[\w.]+)` \| (?P<as>[^|]+) \|$"
)


def rendered(name: str, value: object) -> str:
    """A constant as the table writes it: in its own unit, areas from 1 km² in km²."""
    if isinstance(value, timedelta):
        return f"{value.days} days"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%dT%H:%M:%SZ}"
    assert isinstance(value, int | float), name
    if name.endswith("_M2") and value >= 1e6:
        return f"{number(value / 1e6)} km²"
    unit = {"_M2": " m²", "_M": " m", "_DEG": "°"}
    suffix = next((u for end, u in unit.items() if name.endswith(end)), "")
    return number(value) + suffix


def number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


def documented_rows() -> dict[str, tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### Limits", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = _ROW.match(line)
        if match:
            rows[match["name"]] = (match["value"].strip(), match["as"].strip())
    return rows


def value_of(path: str) -> object:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(f"deconflict.{module}"), name)


def test_rendered_reads_as_the_table_writes_it() -> None:
    cases = {
        ("MAX_EXTENT_M", 1_000_000.0): "1,000,000 m",
        ("MIN_ALTITUDE_M", -1_000.0): "-1,000 m",
        ("MAX_AREA_M2", 250e9): "250,000 km²",
        ("MIN_AREA_M2", 1.0): "1 m²",
        ("MIN_CLEARANCE_M", 0.5): "0.5 m",
        ("MAX_ABS_LATITUDE_DEG", 85.0): "85°",
        ("MAX_HOLES", 100): "100",
        ("MAX_DURATION", timedelta(days=731)): "731 days",
    }
    assert {key: rendered(*key) for key in cases} == cases


def test_every_limit_has_a_row() -> None:
    constants = {
        f"geometry.limits.{name}"
        for name, value in vars(limits).items()
        if name.isupper() and isinstance(value, int | float | timedelta | datetime)
    }
    assert constants | OTHER_LIMITS <= set(documented_rows())


def test_every_row_shows_its_constant_and_a_real_problem_type() -> None:
    for name, (value, refused_as) in documented_rows().items():
        assert value == rendered(name, value_of(name)), f"docs/api.md is stale for {name}"
        assert refused_as == "—" or refused_as.strip("`") in PROBLEM_TYPES, name
