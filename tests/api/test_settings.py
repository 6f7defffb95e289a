"""Settings: typed, read from DECONFLICT_* variables, every one documented."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from deconflict.api.compose import loop_settings
from deconflict.api.problems import PROBLEM_TYPES
from deconflict.api.process import settings_environment
from deconflict.api.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_described_and_documented() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no description"
        assert f"`DECONFLICT_{name.upper()}`" in text, f"{name} is not in docs/configuration.md"
    documented = set(re.findall(r"`DECONFLICT_([A-Z_]+)`", text))
    assert documented == {name.upper() for name in Settings.model_fields}


def test_every_problem_type_is_documented() -> None:
    text = (DOCS / "problems.md").read_text(encoding="utf-8")
    headings = dict(re.findall(r"^## `([a-z-]+)` — (.+)$", text, flags=re.MULTILINE))
    assert set(headings) == set(PROBLEM_TYPES)
    for code, problem in PROBLEM_TYPES.items():
        assert headings[code].startswith(f"{problem.status} {problem.title}")


def test_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECONFLICT_PORT", "9090")
    monkeypatch.setenv("DECONFLICT_DATABASE", "postgresql://db.example/deconflict")
    settings = Settings()
    assert settings.port == 9090
    assert settings.uses_postgres


def test_production_needs_a_pseudonym_secret() -> None:
    with pytest.raises(ValidationError, match="pseudonym_secret is required"):
        Settings(production=True)
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(pseudonym_secret=SecretStr("short"))
    secret = "s" * 40
    assert Settings(production=True, pseudonym_secret=SecretStr(secret)).pseudonym_secret_bytes == (
        secret.encode()
    )


def test_terrain_range_comes_in_pairs() -> None:
    with pytest.raises(ValidationError, match="together"):
        Settings(terrain_min_m=-10)
    assert Settings(terrain_min_m=-10, terrain_max_m=900).vertical_model.supports_agl
    assert not Settings().vertical_model.supports_agl


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"webhook_retry_base_s": 10.0, "webhook_retry_max_s": 5.0}, "must not exceed"),
        ({"webhook_retry_base_s": math.inf}, "finite"),
        ({"webhook_retry_max_s": math.inf}, "finite"),
        ({"webhook_retry_factor": math.inf}, "finite"),
        ({"webhook_lease_s": math.inf}, "finite"),
        ({"purge_interval_s": math.inf}, "finite"),
        ({"terrain_min_m": -math.inf, "terrain_max_m": 10.0}, "finite"),
    ],
)
def test_settings_no_delivery_loop_can_run_on_are_refused(
    overrides: dict[str, float], reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        Settings(**overrides)  # type: ignore[arg-type]


def test_a_resend_schedule_is_bounded() -> None:
    with pytest.raises(ValidationError, match="at most 50"):
        Settings(warning_resend_s=[60] * 51)
    with pytest.raises(ValidationError, match="at most 2592000"):
        Settings(warning_resend_s=[60, 30 * 24 * 3600 + 1])
    assert Settings(warning_resend_s=[60] * 50).warning_resend_s[-1] == 60


def test_an_infinite_setting_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECONFLICT_WEBHOOK_RETRY_MAX_S", "inf")
    with pytest.raises(ValidationError, match="finite"):
        Settings()


def test_the_delivery_loop_is_built_from_any_settings_accepted() -> None:
    equal = Settings(webhook_retry_base_s=60.0, webhook_retry_max_s=60.0)
    assert loop_settings(equal).retry.nominal_delay_s(3) == 60.0
    assert loop_settings(Settings()).retry.max_delay_s == 3600.0


def test_worker_processes_rebuild_the_very_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given = Settings(
        database="/srv/deconflict/fictional.sqlite",
        port=9123,
        workers=3,
        production=True,
        pseudonym_secret=SecretStr("s" * 40),
        terrain_min_m=-12.5,
        terrain_max_m=2_300.0,
        deliver=False,
        warning_resend_s=[30, 90],
    )
    for name in list(os.environ):
        if name.startswith("DECONFLICT_"):
            monkeypatch.delenv(name)
    for name, value in settings_environment(given).items():
        monkeypatch.setenv(name, value)
    assert Settings() == given
