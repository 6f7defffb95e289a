"""Mounts the console's static page on the API app, under a strict Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

#: The page, its scripts and the vendored MapLibre and basemap, shipped as package data.
STATIC_DIR = Path(__file__).parent / "static"
#: Where the console lives; `/` sends a browser there.
CONSOLE_PATH = "/console"

#: Everything comes from this origin: no CDN, no inline script, no eval. MapLibre 6 starts
#: its worker as a same-origin module, so `worker-src 'self'` suffices (no blob:), and it
#: styles its elements through the CSSOM, which style-src does not govern. `form-action
#: 'none'` keeps a sign-in form submitted before the script runs from putting the key in a
#: URL.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # Revalidate each time: an upgraded package must not be mixed with a cached old script.
    "Cache-Control": "no-cache",
}


class ConsoleFiles(StaticFiles):
    """Static files that always carry the console's security headers."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(SECURITY_HEADERS)
        return response


def mount_console(app: FastAPI) -> None:
    """Serve the console at /console/ and send `/` there; neither is part of the API spec."""

    def to_console() -> Response:
        return RedirectResponse(f"{CONSOLE_PATH}/", status_code=303, headers=SECURITY_HEADERS)

    app.add_api_route("/", to_console, methods=["GET", "HEAD"], include_in_schema=False)
    app.mount(CONSOLE_PATH, ConsoleFiles(directory=STATIC_DIR, html=True), name="console")
