"""One webhook delivery attempt: check the target again, POST the signed event, say what came of it.

The target's name is resolved and every address checked right before the attempt, and the
request goes to an address that passed (the URL's host stays in `Host` and in TLS SNI, and
the certificate is checked against it), so a name re-pointed inside between the check and
the connection cannot redirect the request. Redirects are never followed: a 3xx answer is a
failed attempt. Nothing here raises for a network failure; the outcome says what happened.

`timeout_s` bounds the whole attempt (lookup, connections, request, answer), not each read:
the delivery loop holds a lease only so long, and a longer attempt would overlap the next.
A 2xx status is delivery at once; the body is read (a little of it) only to explain a failure.
"""

from __future__ import annotations

import http.cookiejar
import ipaddress
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from deconflict import errors
from deconflict.delivery.deadline import Cutoff, Deadline, call_within
from deconflict.delivery.targets import (
    Resolver,
    check_webhook_url,
    is_loopback,
    resolve_public,
)

#: The receiver's answer matters only by its status; a little of its body helps an operator.
MAX_RESPONSE_BYTES = 1024
MAX_ERROR_BODY_CHARS = 120
#: Addresses of one name tried in turn when a connection cannot be made (IPv6 then IPv4, say).
MAX_ADDRESSES_TRIED = 3
USER_AGENT = "deconflict-webhooks/1"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What came of one attempt: `delivered` on a 2xx answer; otherwise `error` says why."""

    delivered: bool
    status: int | None  # the receiver's HTTP status; None when no answer came back
    error: str  # empty when delivered


def new_client() -> httpx.Client:
    """A client fit for `post_event`: no proxies from the environment (the target check would
    be moot behind one), no redirects, and no cookies kept from one receiver for another."""
    client = httpx.Client(trust_env=False, follow_redirects=False)
    client.cookies.jar.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return client


def post_event(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout_s: float,
    allow_loopback: bool,
    client: httpx.Client,
    resolver: Resolver = socket.getaddrinfo,
) -> Outcome:
    """POST `body` (JSON) with `headers` (the signature) to `url`, one attempt of at most
    `timeout_s` seconds in all."""
    deadline = Deadline(timeout_s)
    too_late = Outcome(False, None, f"no answer within {timeout_s:g} s")

    def lookup(*args: Any, **kwargs: Any) -> Sequence[tuple[Any, ...]]:
        return call_within(deadline.left_s(), lambda: resolver(*args, **kwargs))

    try:
        # Again at each attempt: the operator may have stopped allowing loopback since.
        target = check_webhook_url(url, allow_loopback=allow_loopback)
        addresses = resolve_public(
            target.host, target.port, allow_loopback=allow_loopback, resolver=lookup
        )
    except errors.UnsafeWebhookTarget as exc:
        return Outcome(False, None, f"unsafe target: {exc.detail}")
    except TimeoutError:
        return Outcome(False, None, f"the host name was not resolved within {timeout_s:g} s")
    except OSError:
        return Outcome(False, None, "the host name could not be resolved")
    if target.scheme == "http" and not all(is_loopback(ipaddress.ip_address(a)) for a in addresses):
        # Plain http is for a receiver on this machine only; never across a network.
        return Outcome(False, None, "unsafe target: http is allowed to loopback addresses only")
    failure = Outcome(False, None, "no address to connect to")
    for address in addresses[:MAX_ADDRESSES_TRIED]:
        left_s = deadline.left_s()
        if left_s <= 0:
            return too_late
        cutoff = Cutoff(left_s)
        try:
            with cutoff:
                return _post(client, target.url, address, body, headers, left_s, cutoff)
        except httpx.ConnectTimeout:
            failure = Outcome(False, None, f"connecting timed out after {timeout_s:g} s")
        except httpx.ConnectError:
            if cutoff.fired:
                return too_late
            failure = Outcome(False, None, "the connection was refused or failed")
        except httpx.TimeoutException:
            return too_late
        except (httpx.HTTPError, OSError) as exc:
            if cutoff.fired:  # the cutoff shut the connection down under the exchange
                return too_late
            return Outcome(False, None, f"the exchange failed: {type(exc).__name__}")
    return failure


def _post(
    client: httpx.Client,
    url: str,
    address: str,
    body: bytes,
    headers: Mapping[str, str],
    timeout_s: float,
    cutoff: Cutoff,
) -> Outcome:
    named = httpx.URL(url)
    pinned = named.copy_with(host=address)
    extensions: dict[str, Any] = {"trace": cutoff.trace}
    if named.scheme == "https" and named.host != address:
        # TLS names the host and checks its certificate, though the socket goes to `address`.
        extensions["sni_hostname"] = named.host
    sent = {
        **headers,
        "content-type": "application/json",
        "host": named.netloc.decode("ascii"),
        "user-agent": USER_AGENT,
        # A connection opened to an address for one name must not be reused for another name
        # on that address, whose certificate and identity it never checked.
        "connection": "close",
    }
    with client.stream(
        "POST",
        pinned,
        content=body,
        headers=sent,
        timeout=httpx.Timeout(timeout_s),
        follow_redirects=False,
        extensions=extensions,
    ) as response:
        status = response.status_code
        if 200 <= status < 300:
            # Taken: how slowly the receiver finishes its body changes nothing.
            return Outcome(True, status, "")
        head = _read_capped(response)
    reason = f"HTTP {status}"
    if 300 <= status < 400:
        reason += " (redirects are not followed)"
    said = _printable(head)
    return Outcome(False, status, f"{reason}: {said}" if said else reason)


def _read_capped(response: httpx.Response) -> bytes:
    if response.is_stream_consumed:  # a transport that read it all already (test doubles)
        return response.content[:MAX_RESPONSE_BYTES]
    # Raw bytes: a compressed body could unpack into far more than the cap.
    head = b""
    try:
        for chunk in response.iter_raw():
            head += chunk
            if len(head) >= MAX_RESPONSE_BYTES:
                break
    except (httpx.HTTPError, OSError):
        pass  # the status decided already; what came of the body only helps explain it
    return head[:MAX_RESPONSE_BYTES]


def _printable(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return flat[:MAX_ERROR_BODY_CHARS]
