"""The vendored MapLibre and basemap are what web/package-lock.json pins, byte for byte."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from deconflict.web.console import STATIC_DIR

ROOT = Path(__file__).resolve().parents[2]
VENDOR = STATIC_DIR / "vendor"


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def locked(package: str) -> str:
    lock = _json(ROOT / "web" / "package-lock.json")
    version: str = lock["packages"][f"node_modules/{package}"]["version"]
    return version


def test_vendored_maplibre_is_the_locked_version() -> None:
    head = (VENDOR / "maplibre-gl.mjs").read_text(encoding="utf-8")[:2000]
    stamped = re.search(r"maplibre-gl-js/blob/v([0-9][^/]*)/LICENSE", head)
    assert stamped is not None, "the vendored file lost its licence header"
    assert stamped.group(1) == locked("maplibre-gl")
    # The build's own record agrees, for the basemap's sources too.
    manifest = _json(VENDOR / "versions.json")
    for package in ("maplibre-gl", "world-atlas", "topojson-client"):
        assert manifest[package] == locked(package)


def test_the_package_json_pins_exactly_what_is_locked() -> None:
    wanted = _json(ROOT / "web" / "package.json")["devDependencies"]
    assert wanted == {name: locked(name) for name in wanted}


@pytest.mark.parametrize(
    "name", ["maplibre-gl.mjs", "maplibre-gl-worker.mjs", "maplibre-gl.css", "basemap.geojson"]
)
def test_vendored_files_match_the_build_record(name: str) -> None:
    recorded = _json(VENDOR / "versions.json")["sha256"][name]
    assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == recorded


def test_the_basemap_has_land_and_borders() -> None:
    kinds = {f["properties"]["kind"] for f in _json(VENDOR / "basemap.geojson")["features"]}
    assert kinds == {"land", "border", "graticule"}


def test_licences_ship_with_the_files() -> None:
    notice = (VENDOR / "NOTICE").read_text(encoding="utf-8")
    assert "3-Clause BSD" in notice
    assert "public domain" in notice
    assert "MapLibre" in (VENDOR / "maplibre-gl.LICENSE.txt").read_text(encoding="utf-8")


def test_package_data_covers_every_static_file() -> None:
    """Each file under static/ matches a package-data pattern, so a wheel carries it."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["deconflict"]
    package = STATIC_DIR.parents[1]
    for path in STATIC_DIR.rglob("*"):
        if path.is_file():
            relative = path.relative_to(package)
            assert any(relative.match(p) for p in patterns), f"{relative} is not package data"
