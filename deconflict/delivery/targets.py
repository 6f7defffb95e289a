"""Where a webhook may point: https to public addresses only (the SSRF guard).

Two checks, because a name can change what it points to: `check_webhook_url` when a webhook
is registered (the URL's shape, and an address written in it), and `resolve_public` right
before each send (every address the name resolves to then), so a name that is re-pointed at
an internal address after registration (DNS rebinding) is caught. The sender then connects to
an address that passed, not to whatever a second lookup would return.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from deconflict import errors

MAX_URL_CHARS = 2000
MAX_HOST_CHARS = 253

#: Names that by definition only mean something on a local network or machine.
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")
LOOPBACK_NAMES = ("localhost",)

#: A DNS label in its ASCII form (IDNs as punycode): letters, digits and inner hyphens.
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
#: A label that a URL parser or resolver may read as part of an IPv4 address: 127, 0x7f, 0177.
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)")
#: IPv6 ranges that carry an IPv4 address, judged by that address (NAT64, RFC 6052).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
#: Ranges that are not global but that `ipaddress` judges global in some Python releases
#: (3.11 before 3.11.10, 3.12 before 3.12.4 among them): the IETF protocol assignments
#: 192.0.0.0/24 (RFC 6890; 192.0.0.8 is the RFC 7600 dummy address) but for its two global
#: anycast addresses, and the IPv6 documentation range 3fff::/20 (RFC 9637).
_NOT_GLOBAL = (
    ipaddress.IPv4Network("100.64.0.0/10"),  # shared (carrier-grade NAT), RFC 6598
    ipaddress.IPv4Network("192.0.0.0/24"),
    ipaddress.IPv6Network("3fff::/20"),
)
#: The global exceptions inside those ranges: PCP and TURN anycast (RFC 7723, RFC 8155).
_GLOBAL_IN_NOT_GLOBAL = (ipaddress.IPv4Address("192.0.0.9"), ipaddress.IPv4Address("192.0.0.10"))
_DEFAULT_PORTS = {"https": 443, "http": 80}

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., Sequence[tuple[Any, ...]]]


@dataclass(frozen=True, slots=True)
class WebhookUrl:
    """A webhook URL that passed the registration check, in its normal form."""

    url: str
    scheme: str
    host: str  # lower case, ASCII; an IPv6 address without brackets
    port: int

    def __str__(self) -> str:
        return self.url


def check_webhook_url(url: str, *, allow_loopback: bool) -> WebhookUrl:
    """The URL in normal form, or `errors.UnsafeWebhookTarget` saying what is wrong with it.

    Only https, except http to a loopback address or `localhost` when `allow_loopback`."""
    if not url:
        raise _unsafe("a webhook URL is required")
    if len(url) > MAX_URL_CHARS:
        raise _unsafe(f"a webhook URL has at most {MAX_URL_CHARS} characters")
    if not url.isascii() or not url.isprintable() or " " in url or "\\" in url:
        # One character set that every URL parser reads the same way: no parser differentials.
        raise _unsafe(
            "a webhook URL is printable ASCII without spaces or backslashes: write the host "
            "in its punycode form and percent-encode the path"
        )
    if "#" in url:
        raise _unsafe("a webhook URL may not have a fragment (#...)")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise _unsafe(f"not a valid URL: {exc}") from None
    scheme = parsed.scheme
    if scheme not in {"https", "http"}:
        raise _unsafe("a webhook URL must start with https://")
    if parsed.userinfo:
        raise _unsafe("a webhook URL may not carry a user name or password")
    host = parsed.host
    if not host:
        raise _unsafe("a webhook URL needs a host")
    port = _DEFAULT_PORTS[scheme] if parsed.port is None else parsed.port
    if not 1 <= port <= 65535:
        raise _unsafe("the port must be between 1 and 65535")
    address = _literal_address(host)
    if address is None:
        _check_name(host, allow_loopback=allow_loopback)
        loopback = host in LOOPBACK_NAMES
    else:
        check_address(address, allow_loopback=allow_loopback)
        loopback = is_loopback(address)
    if scheme == "http" and not (allow_loopback and loopback):
        raise _unsafe("a webhook URL must start with https://")
    # The default port left out, so one endpoint has one spelling.
    normal = parsed.copy_with(port=None if port == _DEFAULT_PORTS[scheme] else port)
    return WebhookUrl(str(normal), scheme, host, port)


def resolve_public(
    host: str, port: int, *, allow_loopback: bool, resolver: Resolver = socket.getaddrinfo
) -> list[str]:
    """The addresses `host` resolves to now, in the resolver's order, when every one of them
    is public (or loopback, when `allow_loopback`); `errors.UnsafeWebhookTarget` otherwise.

    An address literal is checked without a lookup. A failed lookup raises `OSError`
    (`socket.gaierror`): it is a delivery failure to retry, not an unsafe target."""
    literal = _literal_address(host)
    if literal is not None:
        check_address(literal, allow_loopback=allow_loopback)
        return [str(literal)]
    _check_name(host, allow_loopback=allow_loopback)
    found = resolver(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for entry in found:
        address = _parse_resolved(str(entry[4][0]))
        # One address that is not public is enough to refuse: which one a connection would
        # use is not ours to choose if the name may point inside.
        check_address(address, allow_loopback=allow_loopback, name=host)
        if str(address) not in addresses:
            addresses.append(str(address))
    if not addresses:
        raise _unsafe(f"{host} resolves to no address")
    return addresses


def check_address(address: IpAddress, *, allow_loopback: bool, name: str = "") -> None:
    """Raise `errors.UnsafeWebhookTarget` unless `address` is public, or loopback when
    `allow_loopback` (never a private range)."""
    if allow_loopback and is_loopback(address):
        return
    if not is_public(address):
        where = f"{name} resolves to {address}" if name else f"{address}"
        raise _unsafe(
            f"{where}, which is not a public address (private, loopback, link-local, shared, "
            "multicast, reserved or unspecified addresses are refused)"
        )


def is_public(address: IpAddress) -> bool:
    """Whether `address` is reachable on the public internet and nothing but; an IPv6 form
    that carries an IPv4 address (mapped, 6to4, Teredo, NAT64) is judged by both."""
    if isinstance(address, ipaddress.IPv6Address) and address in _NAT64:
        # DNS64 on an IPv6-only host writes every IPv4 address this way; ::/8 would refuse it.
        return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    # `is_global` alone has missed ranges in past Python releases (multicast, forms of
    # 100.64/10), and the tables behind every one of these questions change between
    # releases: each is asked outright, and the ranges a release may still call global are
    # listed in `_NOT_GLOBAL`, so that the answer does not depend on the release.
    if address in _GLOBAL_IN_NOT_GLOBAL:
        return True
    if any(address in network for network in _NOT_GLOBAL):
        return False
    if not address.is_global or (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    ):
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return True
    if address.is_site_local:
        return False
    embedded = _embedded_ipv4(address)
    return embedded is None or is_public(embedded)


def is_loopback(address: IpAddress) -> bool:
    embedded = _embedded_ipv4(address)
    return (embedded or address).is_loopback


def _embedded_ipv4(address: IpAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, 6to4, Teredo or NAT64 IPv6 address."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _literal_address(host: str) -> IpAddress | None:
    """The address written as the host, or None for a name.

    A host whose last label is numeric (`2130706433`, `0x7f.1`, `127.1`, `0177.0.0.1`) is
    read by URL parsers and resolvers as an IPv4 address in some legacy spelling; only the
    dotted-decimal form is accepted, so the address that is checked is the one connected to."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    last = host.rstrip(".").rpartition(".")[2]
    if _NUMERIC_LABEL.fullmatch(last):
        raise _unsafe(f"{host} is an IP address in a non-standard form; write it as a.b.c.d")
    return None


def _check_name(host: str, *, allow_loopback: bool) -> None:
    if len(host) > MAX_HOST_CHARS or not all(_LABEL.fullmatch(part) for part in host.split(".")):
        raise _unsafe(f"{host} is not a valid host name")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        if allow_loopback and host in LOOPBACK_NAMES:
            return
        raise _unsafe(f"{host} names this machine, which webhooks may not reach")
    if host.endswith(LOCAL_SUFFIXES) or "." not in host:
        raise _unsafe(f"{host} is a local name; a webhook needs a public, fully qualified name")


def _parse_resolved(text: str) -> IpAddress:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise _unsafe(f"the resolver returned {text!r}, which is not an address") from None


def _unsafe(detail: str) -> errors.UnsafeWebhookTarget:
    return errors.UnsafeWebhookTarget(detail, "/url")
