"""The pure cores (geometry, domain) import no I/O, web, database or clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "deconflict"
PURE = ("geometry", "domain")
FORBIDDEN_MODULES = {
    "sqlite3",
    "psycopg",
    "psycopg_pool",
    "sqlalchemy",
    "fastapi",
    "starlette",
    "pydantic",
    "pydantic_settings",
    "httpx",
    "uvicorn",
    "socket",
    "subprocess",
    "requests",
    "urllib",
    "asyncio",
    "threading",
    "time",
    "os",
    "io",
    "pathlib",
    "shutil",
    "tempfile",
    "random",
    "typer",
    "rich",
    "deconflict.store",
    "deconflict.service",
    "deconflict.api",
    "deconflict.cli",
    "deconflict.delivery",
    "deconflict.web",
}
FORBIDDEN_CALLS = {"now", "utcnow", "today", "time", "open", "perf_counter", "monotonic"}


def _pure_files() -> list[Path]:
    return sorted(p for part in PURE for p in (PACKAGE / part).rglob("*.py"))


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_MODULES)


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_pure_module_imports_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    bad = sorted(name for name in _imports(tree) if _forbidden(name))
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_pure_module_reads_no_clock_and_opens_nothing(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    assert not calls & FORBIDDEN_CALLS, f"{path.name} calls {sorted(calls & FORBIDDEN_CALLS)}"


def test_there_are_pure_modules_to_check() -> None:
    assert len(_pure_files()) >= 10
