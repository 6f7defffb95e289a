"""Webhook signatures: what a sender signs, and what the verify helper refuses."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deconflict import errors
from deconflict.delivery import signing
from deconflict.delivery.signing import (
    Refusal,
    new_secret,
    sign_headers,
    signature,
    verify,
)

SECRET = new_secret(bytes(range(32)))
OTHER = new_secret(bytes(range(100, 132)))
BODY = b'{"type":"consultation.opened","data":{"id":"c-1"}}'
NOW = 1_760_000_000
MSG = "evt_42"


def _refusal(
    headers: dict[str, str], body: bytes = BODY, *, now: int = NOW, secret: str = SECRET
) -> str:
    with pytest.raises(errors.SignatureRefused) as refused:
        verify(secret, headers, body, now=now)
    assert isinstance(refused.value, errors.DeconflictError)
    return refused.value.reason


def test_a_secret_is_whsec_and_the_base64_of_its_entropy() -> None:
    entropy = b"\x01" * 24
    assert new_secret(entropy) == "whsec_" + base64.b64encode(entropy).decode()
    assert new_secret(b"\xff" * 64).startswith("whsec_")


@pytest.mark.parametrize("size", [0, 16, 23, 65])
def test_a_secret_needs_24_to_64_bytes(size: int) -> None:
    with pytest.raises(ValueError, match="24 to 64"):
        new_secret(b"x" * size)


def test_known_answer_computed_independently() -> None:
    # The spec's own example shape: HMAC-SHA256 keyed with the decoded secret, over
    # "<id>.<timestamp>.<body>", base64, behind "v1,".
    key = bytes(range(32))
    content = b"msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330." + b'{"test": 2432232314}'
    mac = hmac.new(key, content, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(mac).decode()
    got = signature(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
    assert got == expected


def test_the_standard_webhooks_published_vector() -> None:
    # The example in the Standard Webhooks spec, so receivers' libraries agree with ours.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    got = signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
    assert got == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signed_headers_verify() -> None:
    headers = sign_headers(SECRET, MSG, NOW, BODY)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-timestamp"] == str(NOW)
    verify(SECRET, headers, BODY, now=NOW)


def test_header_names_match_in_any_case() -> None:
    headers = {k.title(): v for k, v in sign_headers(SECRET, MSG, NOW, BODY).items()}
    assert "Webhook-Signature" in headers
    verify(SECRET, headers, BODY, now=NOW)


def test_a_secret_without_its_prefix_is_the_same_key() -> None:
    headers = sign_headers(SECRET, MSG, NOW, BODY)
    verify(SECRET.removeprefix("whsec_"), headers, BODY, now=NOW)


def test_a_tampered_body_is_refused() -> None:
    headers = sign_headers(SECRET, MSG, NOW, BODY)
    tampered = BODY.replace(b"c-1", b"c-2")
    assert _refusal(headers, tampered) == Refusal.NO_MATCHING_SIGNATURE


@pytest.mark.parametrize(
    ("header", "value"),
    [("webhook-id", "evt_43"), ("webhook-timestamp", str(NOW - 1))],
)
def test_a_changed_id_or_timestamp_is_refused(header: str, value: str) -> None:
    headers = {**sign_headers(SECRET, MSG, NOW, BODY), header: value}
    assert _refusal(headers) == Refusal.NO_MATCHING_SIGNATURE


def test_another_secret_is_refused() -> None:
    headers = sign_headers(OTHER, MSG, NOW, BODY)
    assert _refusal(headers) == Refusal.NO_MATCHING_SIGNATURE


def test_an_old_timestamp_is_refused() -> None:
    headers = sign_headers(SECRET, MSG, NOW - 301, BODY)
    assert _refusal(headers) == Refusal.TIMESTAMP_TOO_OLD
    verify(SECRET, sign_headers(SECRET, MSG, NOW - 300, BODY), BODY, now=NOW)


def test_a_future_timestamp_is_refused() -> None:
    headers = sign_headers(SECRET, MSG, NOW + 301, BODY)
    assert _refusal(headers) == Refusal.TIMESTAMP_IN_FUTURE
    verify(SECRET, sign_headers(SECRET, MSG, NOW + 300, BODY), BODY, now=NOW)


def test_the_tolerance_is_the_receivers_choice() -> None:
    headers = sign_headers(SECRET, MSG, NOW - 60, BODY)
    verify(SECRET, headers, BODY, now=NOW, tolerance_s=60)
    with pytest.raises(errors.SignatureRefused):
        verify(SECRET, headers, BODY, now=NOW, tolerance_s=59)


def test_rotated_secrets_either_signature_is_enough() -> None:
    # During a rotation the sender signs with the old and the new secret; receivers holding
    # either one accept the delivery.
    both = f"{signature(OTHER, MSG, NOW, BODY)} {signature(SECRET, MSG, NOW, BODY)}"
    headers = {**sign_headers(SECRET, MSG, NOW, BODY), "webhook-signature": both}
    verify(SECRET, headers, BODY, now=NOW)
    verify(OTHER, headers, BODY, now=NOW)
    third = new_secret(b"\x07" * 32)
    assert _refusal(headers, secret=third) == Refusal.NO_MATCHING_SIGNATURE


def test_signatures_of_other_versions_are_skipped() -> None:
    mine = signature(SECRET, MSG, NOW, BODY)
    headers = {
        **sign_headers(SECRET, MSG, NOW, BODY),
        "webhook-signature": f"v1a,c29tZXRoaW5nIGVsc2U= {mine}",
    }
    verify(SECRET, headers, BODY, now=NOW)
    only_other = {**headers, "webhook-signature": "v1a,c29tZXRoaW5nIGVsc2U="}
    assert _refusal(only_other) == Refusal.NO_MATCHING_SIGNATURE


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_refused(missing: str) -> None:
    headers = sign_headers(SECRET, MSG, NOW, BODY)
    del headers[missing]
    assert _refusal(headers) == Refusal.MISSING_HEADER


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("webhook-timestamp", "soon"),
        ("webhook-timestamp", "-5"),
        ("webhook-timestamp", "1.5e9"),
        ("webhook-timestamp", ""),
        ("webhook-timestamp", "1" * 13),
        ("webhook-id", ""),
        ("webhook-id", "two words"),
        ("webhook-id", "x" * 257),
        ("webhook-signature", ""),
        ("webhook-signature", "v1"),
        ("webhook-signature", "v1,"),
        ("webhook-signature", ",abc"),
        ("webhook-signature", "v1,not base64!"),
        ("webhook-signature", " ".join(["v1,AAAA"] * 17)),
    ],
)
def test_a_malformed_header_is_refused(header: str, value: str) -> None:
    headers = {**sign_headers(SECRET, MSG, NOW, BODY), header: value}
    assert _refusal(headers) == Refusal.MALFORMED_HEADER


def test_one_header_sent_twice_with_different_values_is_refused() -> None:
    headers = sign_headers(SECRET, MSG, NOW, BODY)
    headers["Webhook-Id"] = "evt_other"
    assert _refusal(headers) == Refusal.MALFORMED_HEADER


def test_a_refusal_says_why_in_words() -> None:
    headers = sign_headers(SECRET, MSG, NOW - 3600, BODY)
    with pytest.raises(errors.SignatureRefused, match="more than 300 s old"):
        verify(SECRET, headers, BODY, now=NOW)


def test_a_bad_secret_is_the_receivers_mistake_not_a_refusal() -> None:
    headers = sign_headers(SECRET, MSG, NOW, BODY)
    with pytest.raises(ValueError, match="base64"):
        verify("whsec_???", headers, BODY, now=NOW)


@pytest.mark.parametrize("msg_id", ["", "a b", "x" * 257, "é"])
def test_signing_refuses_an_id_that_cannot_travel_in_a_header(msg_id: str) -> None:
    with pytest.raises(ValueError, match="message id"):
        signature(SECRET, msg_id, NOW, BODY)


def test_signing_refuses_a_negative_timestamp() -> None:
    with pytest.raises(ValueError, match="never negative"):
        signature(SECRET, MSG, -1, BODY)


def test_the_header_names_are_the_specs() -> None:
    assert (signing.HEADER_ID, signing.HEADER_TIMESTAMP, signing.HEADER_SIGNATURE) == (
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    )


@settings(max_examples=200, derandomize=True, database=None)
@given(
    entropy=st.binary(min_size=24, max_size=64),
    msg_id=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40),
    timestamp=st.integers(min_value=0, max_value=10**11),
    body=st.binary(max_size=200),
    flip=st.integers(min_value=0, max_value=10_000),
)
def test_round_trip_and_any_flipped_byte_is_refused(
    entropy: bytes, msg_id: str, timestamp: int, body: bytes, flip: int
) -> None:
    secret = new_secret(entropy)
    headers = sign_headers(secret, msg_id, timestamp, body)
    verify(secret, headers, body, now=timestamp)
    if body:
        at = flip % len(body)
        changed = body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1 :]
        with pytest.raises(errors.SignatureRefused):
            verify(secret, headers, changed, now=timestamp)
