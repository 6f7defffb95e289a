"""Composition from settings: the store the settings name, the service over it."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from deconflict.api.compose import service_from_settings
from deconflict.api.settings import Settings
from deconflict.service import parties
from deconflict.store.sqlite import SqliteStore
from tests.api.helpers import SECRET


def test_a_sqlite_path_opens_a_sqlite_store(sqlite_path: Path) -> None:
    settings = Settings(
        database=str(sqlite_path),
        pseudonym_secret=SecretStr(SECRET),
        terrain_min_m=-5,
        terrain_max_m=1200,
    )
    service = service_from_settings(settings)
    try:
        assert isinstance(service.store, SqliteStore)
        assert service.pseudonym_secret == SECRET.encode()
        assert service.model.supports_agl
        parties.create_party(service, "Harbour Pilots Cooperative")
    finally:
        service.store.close()
    assert sqlite_path.exists()
