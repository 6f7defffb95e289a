"""Plays the demo scenario, serves it, and saves the console as the README shows it.

Run `python scripts/console_screenshot.py` (needs /usr/bin/chromium; `make browser`). It
works as an operator would: `deconflict demo --no-serve` writes the scenario into a fresh
SQLite file, `deconflict key create` issues keys, and `deconflict serve` serves it. Two
things then happen that the demo's story leaves for later, so the screenshot has something
waiting: Southvale files an evening resupply flight over the Amberford shelter (Valecrest is
consulted), and Northmere raises a caution over the field hospital. Valecrest's liaison desk
signs in; the page is saved at 1280x800 as docs/console.png.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

from deconflict.demo import NORTHMERE, SOUTHVALE, VALECREST, circle, volume

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The heart of the Kessmoor valley: the field hospital, the corridor and the shelter.
VALLEY = [[23.425, 41.852], [23.535, 41.925]]


def deconflict(*args: str, env: dict[str, str]) -> str:
    """Run the CLI as an operator would; its standard output."""
    done = subprocess.run(  # noqa: S603 - our own CLI, arguments built here
        [sys.executable, "-m", "deconflict", *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=300,
    )
    return done.stdout


def issue_key(db: Path, party: str, role: str, env: dict[str, str]) -> str:
    out = deconflict(
        "key", "create", party, f"{party} console", "--role", role, "--db", str(db), env=env
    )
    return out.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(base_url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("deconflict serve did not come up within 30 s")


def ok(response: httpx.Response) -> Any:
    if response.status_code >= 300:
        raise RuntimeError(
            f"{response.request.url} answered {response.status_code}: {response.text}"
        )
    return response.json()


def later_events(base_url: str, keys: dict[str, str]) -> None:
    """What happens after the demo's story: a flight over the Amberford shelter, which
    Valecrest is consulted about, and a fresh warning over its field hospital."""
    evening = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=5)
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {keys['south']}"}
    ) as south:
        ok(
            south.post(
                "/v1/operations",
                json={
                    "volumes": [
                        volume(
                            circle(23.512, 41.866, 900),
                            0,
                            400,
                            evening,
                            evening + timedelta(hours=2),
                        )
                    ],
                    "purpose": "evening resupply run to the Amberford outpost",
                    "share_purpose": True,
                },
            )
        )
    with httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {keys['north']}"}
    ) as north:
        ok(
            north.post(
                "/v1/warnings",
                json={
                    "volume": volume(
                        circle(23.46, 41.905, 2500),
                        0,
                        1500,
                        evening - timedelta(hours=4),
                        evening + timedelta(hours=6),
                    ),
                    "severity": "caution",
                    "message": "unexploded ordnance reported on the ridge road; keep off it",
                },
            )
        )


def shoot(base_url: str, key: str, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            page.goto(base_url + "/")
            page.wait_for_selector("#map[data-ready]")
            page.fill("#api-key", key)
            page.press("#api-key", "Enter")
            page.wait_for_selector("#inbox-waiting li.consultation")
            page.click("#inbox-waiting li.consultation .item-head")
            page.evaluate(
                "(box) => { window.deconflictConsole.ui.consoleMap.fit(box); }",
                VALLEY,
            )
            page.wait_for_function(
                "() => { const map = window.deconflictConsole.map; return map.areTilesLoaded()"
                " && map.queryRenderedFeatures({layers: ['conflicts-fill']}).length > 1; }"
            )
            page.screenshot(path=str(out))
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "console.png")
    out: Path = parser.parse_args().out
    env = {**os.environ, "COLUMNS": "200"}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.sqlite"
        deconflict("demo", "--no-serve", "--db", str(db), env=env)
        keys = {
            "relief": issue_key(db, VALECREST, "liaison", env),
            "south": issue_key(db, SOUTHVALE, "planner", env),
            "north": issue_key(db, NORTHMERE, "liaison", env),
        }
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 - our own CLI, arguments built here
            [sys.executable, "-m", "deconflict", "serve", "--db", str(db), "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base_url)
            later_events(base_url, keys)
            shoot(base_url, keys["relief"], out)
        finally:
            server.terminate()
            server.wait(timeout=15)
    sys.stderr.write(f"saved {out}\n")


if __name__ == "__main__":
    main()
