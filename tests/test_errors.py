"""The error root: one code per error, and input errors that say where the input went wrong."""

from __future__ import annotations

import re

import pytest

from deconflict import errors


def _error_classes() -> list[type[errors.DeconflictError]]:
    return [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, errors.DeconflictError)
    ]


def test_every_error_has_its_own_kebab_case_code() -> None:
    codes = [cls.code for cls in _error_classes()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", code) for code in codes)


def test_every_error_is_documented() -> None:
    assert all(cls.__doc__ and cls.__doc__.strip() for cls in _error_classes())


def test_an_input_error_carries_its_pointer() -> None:
    error = errors.UnclosedRing(
        "the last position must repeat the first", "/footprint/coordinates/0/4"
    )
    assert error.detail == "the last position must repeat the first"
    assert error.pointer == "/footprint/coordinates/0/4"
    assert str(error) == "/footprint/coordinates/0/4: the last position must repeat the first"
    assert error.code == "unclosed-ring"


def test_an_input_error_about_the_whole_document_points_at_the_root() -> None:
    error = errors.MalformedValue("must be a JSON object")
    assert error.pointer == ""
    assert str(error) == "/: must be a JSON object"


@pytest.mark.parametrize(
    "cls",
    [
        errors.MalformedValue,
        errors.InvalidCoordinate,
        errors.UnclosedRing,
        errors.SelfIntersection,
        errors.DegenerateFootprint,
        errors.TooManyVertices,
        errors.VolumeTooLarge,
        errors.InvalidAltitudeBand,
        errors.InvalidTimeWindow,
        errors.InvalidRadius,
        errors.NearPole,
    ],
)
def test_geometry_input_errors_are_invalid_input(cls: type[errors.InvalidInput]) -> None:
    error = cls("bad", "/x")
    assert isinstance(error, errors.InvalidInput)
    assert isinstance(error, errors.DeconflictError)
    assert error.code != errors.InvalidInput.code
