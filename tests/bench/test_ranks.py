"""The rank test of bench/id_timing.py, against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench.ranks import average_ranks, mann_whitney


def test_tied_values_share_the_mean_of_their_ranks() -> None:
    ranks = average_ranks(np.array([3.0, 1.0, 2.0, 2.0, 3.0, 2.0]))
    assert ranks.tolist() == [5.5, 1.0, 3.0, 3.0, 5.5, 3.0]


def test_samples_apart_give_u_of_nought_and_the_normal_approximation() -> None:
    test = mann_whitney([1, 2, 3], [4, 5, 6])
    # U = 0 against a mean of 4.5 and a variance of 3 * 3 * 7 / 12, less 0.5 for continuity.
    assert (test.u, test.superiority) == (0.0, 0.0)
    assert test.z == pytest.approx(-4.0 / math.sqrt(5.25))
    assert test.p == pytest.approx(0.0809, abs=1e-4)


def test_ties_count_one_half_and_narrow_the_variance() -> None:
    test = mann_whitney([1, 2, 2], [2, 3, 3])
    # Pairs (a > b): none; ties: a = 2 with b = 2, twice: U = 1.
    assert test.u == 1.0
    ties = (3**3 - 3) + (2**3 - 2)
    variance = 9 / 12 * (7 - ties / 30)
    assert test.z == pytest.approx(-(4.5 - 1 - 0.5) / math.sqrt(variance))


def test_one_sample_against_itself_differs_in_nothing() -> None:
    values = [5.0, 1.0, 4.0, 4.0, 9.0]
    test = mann_whitney(values, values)
    assert (test.z, test.p, test.superiority) == (0.0, 1.0, 0.5)


def test_an_empty_sample_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        mann_whitney([], [1.0])
