"""Rank tests for timing samples: whether two sets of latencies come from one distribution.

Hand-written on numpy (scipy is not a dependency): the Mann–Whitney U test with the normal
approximation, corrected for ties and for continuity, as any statistics package gives it
for samples of more than a few dozen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


def average_ranks(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Ranks from 1, tied values sharing the mean of the ranks they span."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    last = np.cumsum(counts).astype(np.float64)
    return (last - (counts - 1) / 2.0)[inverse]


@dataclass(frozen=True, slots=True)
class RankTest:
    u: float  # U of the first sample: pairs (a, b) with a > b, ties counting one half
    z: float  # standardised U; positive when the first sample tends to be larger
    p: float  # two-sided
    #: P(a > b) + P(a = b) / 2 for a drawn from the first sample, b from the second:
    #: 0.5 when neither tends to be larger.
    superiority: float


def mann_whitney(a: Sequence[float], b: Sequence[float]) -> RankTest:
    """Two-sided Mann–Whitney U test of `a` against `b` (each at least one value)."""
    first = np.asarray(a, dtype=np.float64)
    second = np.asarray(b, dtype=np.float64)
    n1, n2 = len(first), len(second)
    if n1 == 0 or n2 == 0:
        raise ValueError("each sample needs at least one value")
    combined = np.concatenate([first, second])
    ranks = average_ranks(combined)
    u = float(ranks[:n1].sum()) - n1 * (n1 + 1) / 2.0
    n = n1 + n2
    _, counts = np.unique(combined, return_counts=True)
    ties = float(np.sum(counts.astype(np.float64) ** 3 - counts))
    variance = n1 * n2 / 12.0 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0.0
    centred = u - n1 * n2 / 2.0
    if variance <= 0.0:
        z = 0.0
    else:
        z = math.copysign(max(abs(centred) - 0.5, 0.0), centred) / math.sqrt(variance)
    return RankTest(u, z, math.erfc(abs(z) / math.sqrt(2.0)), u / (n1 * n2))
