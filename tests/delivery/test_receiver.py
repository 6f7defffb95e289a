"""The test receiver itself: what other tests rely on it to record, refuse and wait for."""

from __future__ import annotations

import time

import httpx
import pytest

from deconflict.delivery.signing import new_secret, sign_headers
from tests.delivery.receiver import Receiver

SECRET = new_secret(b"r" * 32)


def _post(receiver: Receiver, msg_id: str, body: bytes = b"{}", secret: str = SECRET) -> int:
    headers = sign_headers(secret, msg_id, int(time.time()), body)
    return httpx.post(receiver.url, content=body, headers=headers, timeout=5).status_code


def test_records_in_order_and_lists_accepted_ids() -> None:
    with Receiver(SECRET, fail_first=1) as receiver:
        statuses = [_post(receiver, f"evt_{n}") for n in range(3)]
        assert receiver.wait_for(2, timeout_s=1)
        arrivals = receiver.arrivals()
    assert statuses == [500, 200, 200]
    assert receiver.received_ids() == ["evt_1", "evt_2"]
    assert [a.webhook_id for a in arrivals] == ["evt_0", "evt_1", "evt_2"]
    assert arrivals[0].arrived_s <= arrivals[1].arrived_s <= arrivals[2].arrived_s


def test_counts_refused_signatures_and_never_accepts_them() -> None:
    with Receiver(SECRET) as receiver:
        assert _post(receiver, "evt_1", secret=new_secret(b"z" * 32)) == 401
        assert _post(receiver, "evt_2") == 200
    assert receiver.refusals == 1
    assert receiver.received_ids() == ["evt_2"]
    assert receiver.arrivals()[0].refusal == "no-matching-signature"


def test_always_failing_can_be_switched_off() -> None:
    with Receiver(SECRET, always_fail=True) as receiver:
        assert _post(receiver, "evt_1") == 500
        receiver.always_fail = False
        assert _post(receiver, "evt_1") == 200
    assert receiver.received_ids() == ["evt_1"]


def test_without_a_secret_nothing_is_verified() -> None:
    with Receiver() as receiver:
        assert httpx.post(receiver.url, content=b"x", timeout=5).status_code == 200
    assert receiver.refusals == 0


def test_wait_for_times_out_saying_what_came() -> None:
    with Receiver(SECRET, always_fail=True) as receiver:
        _post(receiver, "evt_1")
        with pytest.raises(TimeoutError, match=r"0 of 1 requests accepted .*\(1 arrived\)"):
            receiver.wait_for(1, timeout_s=0.1)


def test_the_url_needs_a_running_receiver() -> None:
    with pytest.raises(RuntimeError, match="with block"):
        _ = Receiver().url
