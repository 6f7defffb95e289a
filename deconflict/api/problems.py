"""RFC 9457 problem details: the one table from deconflict errors to HTTP answers.

Errors know nothing of HTTP; this table is the only place where they meet. Each problem
type is a relative URI under `/problems/`, documented in docs/problems.md (a test keeps the
two in step) and served by the API so that a client can follow it.

No problem carries an `instance`: an answer about an id must not differ between an id that
does not exist and one the caller may not see, and the path would be the one difference.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from deconflict import errors

PROBLEM_MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True, slots=True)
class ProblemType:
    code: str
    status: int
    title: str
    description: str


def _t(cls: type[errors.DeconflictError], status: int, title: str) -> ProblemType:
    doc = _DESCRIPTIONS.get(cls) or (cls.__doc__ or title).strip().splitlines()[0]
    return ProblemType(cls.code, status, title, doc)


#: Where the error's own docstring would mislead a client of the API.
_DESCRIPTIONS: Mapping[type[errors.DeconflictError], str] = {
    errors.Forbidden: (
        "Your role may not do this (a viewer writing, say). Another party's ids never "
        "answer with this: they answer as not-found."
    ),
    errors.CallerGone: (
        "The client closed its connection while its write waited for its turn among the "
        "writers, so the write was not run and nothing was stored. Nobody receives this "
        "answer; it is what the server's log records."
    ),
    errors.SignatureRefused: (
        "A webhook delivery did not verify. The API never answers with this: it is what "
        "deconflict.delivery.signing.verify raises in a receiver, which may answer with it."
    ),
}


#: Most specific class first: the first `isinstance` match wins.
PROBLEM_TABLE: tuple[tuple[type[errors.DeconflictError], ProblemType], ...] = tuple(
    (cls, _t(cls, status, title))
    for cls, status, title in (
        (errors.InvalidCoordinate, 422, "Invalid coordinate"),
        (errors.UnclosedRing, 422, "Unclosed polygon ring"),
        (errors.SelfIntersection, 422, "Self-intersecting polygon"),
        (errors.DegenerateFootprint, 422, "Degenerate footprint"),
        (errors.TooManyVertices, 422, "Too many vertices"),
        (errors.VolumeTooLarge, 422, "Volume too large"),
        (errors.InvalidAltitudeBand, 422, "Invalid altitude band"),
        (errors.InvalidTimeWindow, 422, "Invalid time window"),
        (errors.InvalidRadius, 422, "Invalid radius or buffer"),
        (errors.NearPole, 422, "Too close to a pole"),
        (errors.MissingJustification, 422, "Justification missing"),
        (errors.IdempotencyNotSupported, 422, "Idempotency-Key not supported here"),
        (errors.InvalidResponse, 422, "Invalid response"),
        (errors.UnsafeWebhookTarget, 422, "Unsafe webhook target"),
        (errors.MalformedValue, 422, "Malformed value"),
        (errors.InvalidInput, 422, "Invalid input"),
        (errors.IllegalTransition, 409, "Illegal transition"),
        (errors.StaleVersion, 412, "Stale version"),
        (errors.AnswersAwaited, 409, "Answers awaited"),
        (errors.NotFound, 404, "Not found"),
        (errors.Forbidden, 403, "Forbidden"),
        (errors.ConsultationClosed, 409, "Consultation closed"),
        (errors.AlreadyExists, 409, "Already exists"),
        (errors.Unauthenticated, 401, "Unauthenticated"),
        (errors.IdempotencyKeyReused, 422, "Idempotency-Key reused"),
        (errors.StoreBusy, 503, "Store busy"),
        (errors.CallerGone, 503, "Caller gone"),
        (errors.NotReplayable, 409, "Not replayable"),
        (errors.LimitReached, 409, "Limit reached"),
        (errors.EventIdAhead, 409, "Event id ahead"),
        (errors.TooManyStreams, 429, "Too many streams"),
        (errors.SignatureRefused, 401, "Signature refused"),
    )
)

#: Problems of the HTTP exchange itself, raised by the framework rather than by a use case.
HTTP_PROBLEMS: tuple[ProblemType, ...] = (
    ProblemType(
        "malformed-json",
        400,
        "Malformed JSON",
        "The request body is not valid JSON, or not I-JSON (RFC 7493).",
    ),
    ProblemType("bad-request", 400, "Bad request", "The request cannot be read."),
    ProblemType(
        "method-not-allowed", 405, "Method not allowed", "The resource does not take this method."
    ),
    ProblemType(
        "payload-too-large",
        413,
        "Payload too large",
        "The request body is larger than the configured max_body_bytes.",
    ),
    ProblemType(
        "unsupported-media-type",
        415,
        "Unsupported media type",
        "A request body must be JSON (Content-Type: application/json).",
    ),
    ProblemType(
        "precondition-required",
        428,
        "Precondition required",
        "A change must name the version it changes in If-Match.",
    ),
    ProblemType("internal-error", 500, "Internal error", "Something failed on the server."),
)

_FALLBACK = ProblemType("error", 400, "Request refused", "The request was refused.")

PROBLEM_TYPES: Mapping[str, ProblemType] = {
    p.code: p for p in (*(p for _, p in PROBLEM_TABLE), *HTTP_PROBLEMS)
}

#: The same words for a missing, unknown and revoked key, so none can be told apart.
UNAUTHENTICATED_DETAIL = "a valid API key is required: send Authorization: Bearer <api key>"


def problem_for(error: errors.DeconflictError) -> ProblemType:
    for cls, problem in PROBLEM_TABLE:
        if isinstance(error, cls):
            return problem
    return _FALLBACK


def problem_body(error: errors.DeconflictError) -> tuple[int, dict[str, Any]]:
    """The status and JSON body for an error."""
    problem = problem_for(error)
    detail = UNAUTHENTICATED_DETAIL if isinstance(error, errors.Unauthenticated) else error.detail
    body = base_body(problem, detail)
    if isinstance(error, errors.InvalidInput):
        body["errors"] = [{"pointer": error.pointer or "/", "detail": error.detail}]
    if isinstance(error, errors.IllegalTransition):
        body["allowed_actions"] = list(error.allowed)
    return problem.status, body


def base_body(problem: ProblemType, detail: str) -> dict[str, Any]:
    return {
        "type": f"/problems/{problem.code}",
        "title": problem.title,
        "status": problem.status,
        "detail": detail,
    }


def http_problem(code: str, detail: str) -> dict[str, Any]:
    return base_body(PROBLEM_TYPES[code], detail)


def problem_bytes(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def problem_response(body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        problem_bytes(body),
        status_code=int(body["status"]),
        headers=dict(headers or {}),
        media_type=PROBLEM_MEDIA_TYPE,
    )


def error_response(error: errors.DeconflictError) -> Response:
    _, body = problem_body(error)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, errors.Unauthenticated) else {}
    return problem_response(body, headers)
