"""The SSRF guard: which webhook URLs are taken, and which resolved addresses may be sent to."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

import pytest

from deconflict import errors
from deconflict.delivery.targets import (
    MAX_URL_CHARS,
    WebhookUrl,
    check_webhook_url,
    resolve_public,
)

PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"

#: Addresses no webhook may reach, by default or with loopback allowed.
NEVER = {
    "10/8": "10.1.2.3",
    "172.16/12": "172.16.0.1",
    "172.31 end of 172.16/12": "172.31.255.254",
    "192.168/16": "192.168.1.10",
    "cloud metadata": "169.254.169.254",
    "link-local v6": "fe80::1",
    "unique-local v6": "fd00::1",
    "site-local v6": "fec0::1",
    "mapped private": "::ffff:10.0.0.1",
    "mapped metadata": "::ffff:169.254.169.254",
    "6to4 of private": "2002:c0a8:0101::1",
    "teredo of private": "2001:0:4136:e378:8000:63bf:f5ff:fefe",
    "nat64 of private": "64:ff9b::a00:1",
    "shared 100.64/10": "100.64.0.1",
    "unspecified": "0.0.0.0",
    "unspecified v6": "::",
    "multicast": "224.0.0.1",
    "multicast v6": "ff02::1",
    "reserved 240/4": "240.0.0.1",
    "broadcast": "255.255.255.255",
    "benchmarking 198.18/15": "198.18.0.1",
    "documentation": "192.0.2.1",
    "documentation v6 2001:db8::/32": "2001:db8::1",
    "documentation v6 3fff::/20": "3fff::1",
    "end of 3fff::/20": "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",
    "ietf protocol 192.0.0/24": "192.0.0.1",
    "dummy address 192.0.0.8": "192.0.0.8",
    "end of 192.0.0/24": "192.0.0.255",
    "nat64 of dummy": "64:ff9b::c000:8",
    "this network 0/8": "0.1.2.3",
}
LOOPBACK = {"127.0.0.1": "127.0.0.1", "127/8": "127.5.6.7", "::1": "::1"}


class FakeResolver:
    """getaddrinfo's shape, from a table; records what it was asked, never touches the net."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int, **kwargs: Any) -> Sequence[tuple[Any, ...]]:
        self.asked.append((host, port))
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port, 0, 0) if ":" in a else (a, port),
            )
            for a in self.table[host]
        ]


def _refused_url(url: str, *, allow_loopback: bool = False) -> errors.UnsafeWebhookTarget:
    with pytest.raises(errors.UnsafeWebhookTarget) as refused:
        check_webhook_url(url, allow_loopback=allow_loopback)
    assert refused.value.pointer == "/url"
    assert isinstance(refused.value, errors.InvalidInput)
    return refused.value


# Registration: the URL's shape.


def test_a_public_https_url_is_taken_in_normal_form() -> None:
    got = check_webhook_url("HTTPS://Hooks.Example.COM:443/in?x=1", allow_loopback=False)
    assert got == WebhookUrl("https://hooks.example.com/in?x=1", "https", "hooks.example.com", 443)
    assert str(got) == "https://hooks.example.com/in?x=1"


def test_a_public_address_literal_is_taken() -> None:
    assert check_webhook_url(f"https://{PUBLIC_V4}:8443/", allow_loopback=False).port == 8443
    assert check_webhook_url(f"https://[{PUBLIC_V6}]/", allow_loopback=False).host == PUBLIC_V6


@pytest.mark.parametrize(
    "address",
    [
        "192.0.0.9",  # PCP anycast, global inside the non-global 192.0.0.0/24
        "192.0.0.10",  # TURN anycast, likewise
        "3fff:1000::1",  # just past the documentation range 3fff::/20
        "100.63.255.255",  # just below the shared 100.64/10
    ],
)
def test_public_addresses_beside_refused_ranges_are_taken(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    assert check_webhook_url(f"https://{host}/", allow_loopback=False).host == address


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://hooks.example.com/", "https://"),
        ("ftp://hooks.example.com/", "https://"),
        ("hooks.example.com/in", "https://"),
        ("", "required"),
        ("https://user:pw@hooks.example.com/", "user name"),
        ("https://user@hooks.example.com/", "user name"),
        ("https://hooks.example.com/#", "fragment"),
        ("https://hooks.example.com/#top", "fragment"),
        ("https:///in", "needs a host"),
        ("https://hooks.example.com:0/", "port"),
        ("https://hooks.example.com:65536/", "port"),
        ("https://hooks.example.com:99999/", "port"),
        ("https://hooks.example.com:x/", "not a valid URL"),
        ("https://hooks.example.com/" + "a" * MAX_URL_CHARS, "at most"),
        ("https://hooks.example.com/a b", "printable ASCII"),
        ("https://hooks.example.com\\@evil.example/", "backslash"),
        ("https://bücher.example/", "punycode"),
        ("https://hooks.example.com/\n", "printable ASCII"),
        ("https://hooks_in.example.com/", "not a valid host name"),
        ("https://%65vil.example.com/", "not a valid host name"),
        ("https://-hooks.example.com/", "not a valid host name"),
        ("https://hooks.example.com./", "not a valid host name"),
        ("https://intranet/", "fully qualified"),
        ("https://printer.local/", "local name"),
        ("https://db.internal/", "local name"),
        ("https://nas.home.arpa/", "local name"),
        ("https://localhost/", "names this machine"),
        ("https://api.localhost/", "names this machine"),
    ],
)
def test_a_url_of_the_wrong_shape_is_refused(url: str, words: str) -> None:
    assert words in _refused_url(url).detail


@pytest.mark.parametrize("address", list(NEVER.values()), ids=list(NEVER))
def test_a_non_public_address_literal_is_refused(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    detail = _refused_url(f"https://{host}/in", allow_loopback=True).detail
    assert "not a public address" in detail


@pytest.mark.parametrize("address", list(LOOPBACK.values()), ids=list(LOOPBACK))
def test_loopback_is_refused_by_default(address: str) -> None:
    host = f"[{address}]" if ":" in address else address
    _refused_url(f"https://{host}/in")
    _refused_url(f"http://{host}:8080/in")


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f.1/",  # hexadecimal and a short form
        "http://0x7f000001/",
        "http://0177.0.0.1/",  # octal
        "http://127.1/",
        "https://017700000001/",
        "https://10.1/",
        "https://0/",
        "https://1.2.3.04/",  # a leading zero reads as octal to some parsers
        "https://hooks.example.123/",
    ],
)
def test_addresses_in_legacy_spellings_are_refused(url: str) -> None:
    # Refused by our spelling rule, or already by the URL parser: never looked up.
    detail = _refused_url(url, allow_loopback=True).detail
    assert "non-standard form" in detail or "Invalid IPv4 address" in detail


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/hook", "http://[::1]:8080/hook", "http://localhost:8080/hook"],
)
def test_loopback_over_http_is_taken_when_allowed(url: str) -> None:
    assert check_webhook_url(url, allow_loopback=True).scheme == "http"


def test_allowing_loopback_allows_no_plain_http_elsewhere() -> None:
    _refused_url("http://hooks.example.com/", allow_loopback=True)
    _refused_url(f"http://{PUBLIC_V4}/", allow_loopback=True)
    assert check_webhook_url("https://localhost:8443/", allow_loopback=True).port == 8443


# Before each send: every address the name resolves to.


def test_a_name_resolving_to_public_addresses_is_sent_to() -> None:
    resolver = FakeResolver({"hooks.example.com": [PUBLIC_V6, PUBLIC_V4, PUBLIC_V4]})
    got = resolve_public("hooks.example.com", 443, allow_loopback=False, resolver=resolver)
    assert got == [PUBLIC_V6, PUBLIC_V4]
    assert resolver.asked == [("hooks.example.com", 443)]


@pytest.mark.parametrize("address", list(NEVER.values()), ids=list(NEVER))
def test_a_name_resolving_to_a_non_public_address_is_refused(address: str) -> None:
    resolver = FakeResolver({"hooks.example.com": [address]})
    for allow_loopback in (False, True):
        with pytest.raises(errors.UnsafeWebhookTarget, match="resolves to"):
            resolve_public(
                "hooks.example.com", 443, allow_loopback=allow_loopback, resolver=resolver
            )


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    resolver = FakeResolver({"hooks.example.com": [PUBLIC_V4, "192.168.0.5"]})
    with pytest.raises(errors.UnsafeWebhookTarget, match=r"192\.168\.0\.5"):
        resolve_public("hooks.example.com", 443, allow_loopback=False, resolver=resolver)


def test_a_name_rebound_to_loopback_after_registration_is_refused() -> None:
    # Registration sees only the name; what it resolves to is judged at each send.
    check_webhook_url("https://rebind.example.net/hook", allow_loopback=False)
    resolver = FakeResolver({"rebind.example.net": ["127.0.0.1"]})
    with pytest.raises(errors.UnsafeWebhookTarget, match=r"127\.0\.0\.1"):
        resolve_public("rebind.example.net", 443, allow_loopback=False, resolver=resolver)


@pytest.mark.parametrize("address", list(LOOPBACK.values()), ids=list(LOOPBACK))
def test_loopback_resolution_only_when_allowed(address: str) -> None:
    resolver = FakeResolver({"localhost": [address], "hooks.example.com": [address]})
    with pytest.raises(errors.UnsafeWebhookTarget):
        resolve_public("localhost", 80, allow_loopback=False, resolver=resolver)
    with pytest.raises(errors.UnsafeWebhookTarget):
        resolve_public("hooks.example.com", 443, allow_loopback=False, resolver=resolver)
    assert resolve_public("localhost", 80, allow_loopback=True, resolver=resolver) == [address]


def test_an_address_literal_is_checked_without_a_lookup() -> None:
    resolver = FakeResolver({})
    assert resolve_public(PUBLIC_V4, 443, allow_loopback=False, resolver=resolver) == [PUBLIC_V4]
    with pytest.raises(errors.UnsafeWebhookTarget):
        resolve_public("10.0.0.1", 443, allow_loopback=False, resolver=resolver)
    with pytest.raises(errors.UnsafeWebhookTarget):
        resolve_public("::ffff:127.0.0.1", 443, allow_loopback=False, resolver=resolver)
    assert resolver.asked == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1"])
def test_legacy_address_spellings_are_refused_before_any_lookup(host: str) -> None:
    resolver = FakeResolver({host: ["127.0.0.1"]})
    with pytest.raises(errors.UnsafeWebhookTarget, match="non-standard form"):
        resolve_public(host, 80, allow_loopback=True, resolver=resolver)
    assert resolver.asked == []


def test_the_system_resolver_reads_a_legacy_spelling_as_loopback() -> None:
    # Why the spelling rule exists: the C library reads these as 127.0.0.1 (no network used).
    found = {entry[4][0] for entry in socket.getaddrinfo("2130706433", 80, type=socket.SOCK_STREAM)}
    assert found == {"127.0.0.1"}


def test_a_failed_lookup_is_an_os_error_not_an_unsafe_target() -> None:
    with pytest.raises(socket.gaierror):
        resolve_public("gone.example.com", 443, allow_loopback=False, resolver=FakeResolver({}))


def test_a_name_resolving_to_nothing_is_refused() -> None:
    resolver = FakeResolver({"empty.example.com": []})
    with pytest.raises(errors.UnsafeWebhookTarget, match="no address"):
        resolve_public("empty.example.com", 443, allow_loopback=False, resolver=resolver)
