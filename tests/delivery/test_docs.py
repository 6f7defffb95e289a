"""docs/webhooks.md in step with the code: the retry table is the policy's schedule."""

from __future__ import annotations

from pathlib import Path

from deconflict.delivery.backoff import RetryPolicy
from deconflict.delivery.signing import DEFAULT_TOLERANCE_S, HEADER_ID, HEADER_SIGNATURE

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def duration(seconds: float) -> str:
    """As the doc writes it: `5 s`, `1 min 20 s`, `2 h 28 min 25 s`, `3.75 s`."""
    whole_minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(whole_minutes), 60)
    parts = [f"{hours} h"] if hours else []
    parts += [f"{minutes} min"] if minutes else []
    parts += [f"{rest:g} s"] if rest or not parts else []
    return " ".join(parts)


def schedule_table(policy: RetryPolicy) -> str:
    lines = [
        "| failed attempt | next try after | with jitter | since the first try |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r.failed_attempt} | {duration(r.nominal_delay_s)} | "
        f"{duration(r.earliest_s)} – {duration(r.latest_s)} | "
        f"{duration(r.nominal_since_first_s)} |"
        for r in policy.schedule()
    ]
    last = policy.max_attempts
    lines.append(f"| {last} | dead-lettered | | |")
    return "\n".join(lines) + "\n"


def test_duration_reads_as_the_doc_writes_it() -> None:
    cases = {3.75: "3.75 s", 60: "1 min", 80: "1 min 20 s", 3600: "1 h", 8905: "2 h 28 min 25 s"}
    assert {s: duration(s) for s in cases} == cases


def test_the_retry_table_is_the_default_policys_schedule() -> None:
    assert schedule_table(RetryPolicy()) in DOC.read_text(encoding="utf-8")


def test_the_doc_names_the_headers_and_the_tolerance() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"`{HEADER_ID}`" in text
    assert f"`{HEADER_SIGNATURE}`" in text
    assert f"{DEFAULT_TOLERANCE_S // 60} minutes" in text
    assert "`DECONFLICT_WEBHOOK_ALLOW_LOOPBACK`" in text
