"""Shapes shared by every resource: instants, pages, problems, and JSON rendering."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, Strict
from starlette.responses import Response

from deconflict.domain.audit import rfc3339

T = TypeVar("T")

#: A JSON number, an integer and a boolean as sent, never converted from another type:
#: left lax, pydantic reads `"500"` as 500.0 and `true` as 1.0 (a coordinate, a radius),
#: `1.0` as the integer 1 and `"yes"` as true, and bad input is refused, not guessed at.
Number = Annotated[float, Strict()]
Integer = Annotated[int, Strict()]
Flag = Annotated[bool, Strict()]
#: An RFC 3339 instant, always UTC with microseconds and a 'Z'.
Instant = Annotated[datetime, PlainSerializer(rfc3339, return_type=str)]
#: An RFC 3339 instant as sent: our own parser checks it, so its errors carry our pointers.
InstantText = Annotated[
    str,
    Field(
        json_schema_extra={"format": "date-time"},
        examples=["2026-12-01T10:00:00Z"],
        description="RFC 3339 with an explicit offset; stored and shown as UTC.",
    ),
]


class Model(BaseModel):
    """Every API model refuses fields it does not know."""

    model_config = ConfigDict(extra="forbid")


class Page(Model, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last."
    )


class ProblemError(Model):
    pointer: str = Field(description="JSON pointer (RFC 6901) to the offending field.")
    detail: str


class Problem(BaseModel):
    """RFC 9457 problem details; `errors` lists bad fields, `allowed_actions` legal moves."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemError] | None = Field(
        default=None, description="The first bad fields found, at most 20."
    )
    errors_omitted: int | None = Field(
        default=None, description="How many more bad fields were found than `errors` lists."
    )
    allowed_actions: list[str] | None = None


def problem_responses(*statuses: int, public: bool = False) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problems a route can answer with, besides the common ones."""
    common = (500,) if public else (401, 422, 500)
    return {
        status: {
            "model": Problem,
            "description": "Problem details (RFC 9457)",
            "content": {"application/problem+json": {}},
        }
        for status in sorted({*common, *statuses})
    }


def json_response(
    model: BaseModel, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        model.model_dump_json(),
        status_code=status,
        headers=dict(headers or {}),
        media_type="application/json",
    )


def etag(tag: str | int) -> str:
    return f'"{tag}"'
