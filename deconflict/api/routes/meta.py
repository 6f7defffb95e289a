"""Health and the problem-type pages that every problem's `type` points to."""

from __future__ import annotations

import html

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.responses import HTMLResponse, Response

from deconflict import errors
from deconflict.api.problems import PROBLEM_TYPES
from deconflict.api.routes.deps import Deps
from deconflict.api.schemas.common import Model, json_response, problem_responses


class Health(Model):
    status: str


class ProblemTypeOut(Model):
    type: str
    title: str
    status: int
    description: str


def router(deps: Deps) -> APIRouter:
    svc = deps.service
    api = APIRouter(tags=["meta"])

    @api.get("/healthz", response_model=Health, responses=problem_responses(public=True))
    def healthz() -> Response:
        """Up, and the store answers."""
        svc.read(lambda _tx: None)
        return json_response(Health(status="ok"))

    @api.get(
        "/problems/{code}",
        response_model=ProblemTypeOut,
        responses={
            **problem_responses(404, public=True),
            200: {"content": {"text/html": {}}, "description": "The page, as HTML or JSON."},
        },
    )
    def problem_type(code: str, request: Request) -> Response:
        """What a problem type means: HTML for a browser, JSON otherwise."""
        problem = PROBLEM_TYPES.get(code)
        if problem is None:
            raise errors.NotFound("no such problem type")
        out = ProblemTypeOut(
            type=f"/problems/{code}",
            title=problem.title,
            status=problem.status,
            description=problem.description,
        )
        if "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(_page(out))
        return json_response(out)

    return api


def _page(out: BaseModel) -> str:
    data = out.model_dump()
    title = html.escape(str(data["title"]))
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
        f"<h1>{title}</h1><p>HTTP {data['status']} · <code>{html.escape(data['type'])}</code>"
        f"<p>{html.escape(str(data['description']))}"
        "<p>See docs/problems.md for every problem type.</html>"
    )
