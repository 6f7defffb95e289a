"""The app factory: `create_app(settings, service)` composes the routers, checks and handlers.

Nothing is created at import time; the CLI (or a test) builds the settings and the service
and calls this once.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import Lifespan

from deconflict.api import handlers
from deconflict.api.departures import Departures
from deconflict.api.durable_answers import DurableAnswers
from deconflict.api.limits import BodyPolicy
from deconflict.api.request_threads import RequestThreads
from deconflict.api.routes import (
    audit,
    events,
    inbox,
    me,
    meta,
    operations,
    reports,
    subscriptions,
    warnings,
    webhooks,
    zones,
)
from deconflict.api.routes.deps import Deps
from deconflict.api.settings import Settings
from deconflict.service.context import Service
from deconflict.web.console import mount_console

DESCRIPTION = """Deconfliction and coordination between independent parties.

Every `/v1` endpoint needs `Authorization: Bearer <api key>`. Errors are RFC 9457 problem
details (`application/problem+json`); each `type` is a page under `/problems/`.
"""


def create_app(
    settings: Settings, service: Service, *, lifespan: Lifespan[FastAPI] | None = None
) -> FastAPI:
    """The app; `lifespan`, when given, runs the process's background duties with it."""
    app = FastAPI(title="deconflict", version="1", description=DESCRIPTION, lifespan=lifespan)
    deps = Deps(service=service, settings=settings)
    app.state.deps = deps
    for module in (
        me,
        zones,
        operations,
        inbox,
        warnings,
        events,
        subscriptions,
        webhooks,
        audit,
        reports,
        meta,
    ):
        app.include_router(module.router(deps))
    mount_console(app)
    handlers.install(app)
    # Each middleware added wraps the ones before it: CatchAll is outermost, so even a
    # failure in BodyPolicy is a problem answer; BodyPolicy bounds bodies before any read.
    app.add_middleware(BodyPolicy, max_body_bytes=settings.max_body_bytes)
    # Outside BodyPolicy, so that it sees the server's own channel: the body as it comes,
    # then the client's departure, which a waiting write must hear of (`departures`).
    app.add_middleware(Departures)
    # Inside CatchAll, so that a failed sync, raised as the answer starts, becomes a 500.
    app.add_middleware(DurableAnswers)
    app.add_middleware(handlers.CatchAll)
    # Outside CatchAll, and fails at nothing: it only sizes the loop's thread pool.
    app.add_middleware(RequestThreads, threads=settings.request_threads)
    _build_routes_now(app)
    return app


#: Matches no route: asking every route whether it matches makes each build itself.
_NO_SUCH_PATH = {
    "type": "http",
    "path": "/.build-routes",
    "root_path": "",
    "method": "GET",
    "headers": [],
    "query_string": b"",
}


def _build_routes_now(app: FastAPI) -> None:
    """Build every route's parameters and models before the first request, not on it.

    FastAPI builds an included router's routes the first time a request is matched
    against them, and pydantic's schema building is not safe when threads do it at once:
    the first concurrent requests to a fresh app could each start it and one got a 500.
    """
    for route in app.router.routes:
        route.matches(dict(_NO_SUCH_PATH))
