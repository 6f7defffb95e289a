"""Shared benchmark reporting: latency percentiles, target checks, Rich tables, JSON files."""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

Row = Mapping[str, object]


def percentiles_us(samples_ns: Sequence[int], *quantiles: float) -> list[float]:
    """Percentiles (0-100) of nanosecond samples, in microseconds."""
    values = np.percentile(np.asarray(samples_ns, dtype=np.float64), quantiles)
    return [float(v) / 1_000.0 for v in values]


@dataclass(frozen=True, slots=True)
class Target:
    """A figure one backend must reach, at a stated stored size, to call the work done."""

    backend: str
    key: str  # the row key it reads
    label: str
    limit: float
    unit: str
    at_stored: int
    compare: Callable[[float, float], bool] = operator.le

    def is_met(self, row: Row) -> bool:
        value = row[self.key]
        assert isinstance(value, int | float)
        return self.compare(float(value), self.limit)

    def applies(self, row: Row) -> bool:
        """Whether the row was measured at the size the target is set for (or larger)."""
        stored = row["stored"]
        assert isinstance(stored, int)
        return row["backend"] == self.backend and stored >= self.at_stored


def targets_table(rows: Sequence[Row], targets: Sequence[Target]) -> Table:
    """Each target beside its measurement; below the target's size a verdict is only a hint."""
    table = Table(title="Targets")
    table.add_column("backend")
    table.add_column("figure")
    for header in ("at stored", "target", "measured"):
        table.add_column(header, justify="right")
    table.add_column("met", justify="center")
    hints = False
    for row in rows:
        for target in (t for t in targets if t.backend == row["backend"]):
            value = row[target.key]
            assert isinstance(value, int | float)
            verdict = "yes" if target.is_met(row) else "no"
            if target.applies(row):
                verdict = f"[green]{verdict}[/]" if target.is_met(row) else f"[red]{verdict}[/]"
            else:
                verdict, hints = f"[dim]({verdict})[/]", True
            table.add_row(
                str(row["backend"]),
                target.label,
                f"{target.at_stored:,}",
                f"≤ {_cell(target.limit)} {target.unit}",
                f"{_cell(value)} {target.unit}",
                verdict,
            )
    if hints:
        table.caption = "(in brackets): measured below the stored size the target is set for"
    return table


def results_table(title: str, rows: Sequence[Row], metrics: Sequence[tuple[str, str]]) -> Table:
    """One column per row (backend), one line per metric; `metrics` pairs a key and a label."""
    table = Table(title=title)
    table.add_column("")
    for row in rows:
        table.add_column(str(row.get("backend", "")), justify="right")
    for key, label in metrics:
        table.add_row(label, *(_cell(row.get(key)) for row in rows))
    return table


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def write_json(path: Path, rows: Sequence[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([dict(r) for r in rows], indent=2) + "\n", encoding="utf-8")


def console() -> Console:
    return Console()
