"""Who is on the other end of an HTTP request, believing proxies only when configured to.

`X-Forwarded-For` and `X-Forwarded-Proto` are set by whoever sends the request, so they are
only taken from a peer listed in TRUSTED_PROXIES (the reverse proxy in front of the servers).
Everything that needs a client address (rate limits, lookup limits, logs) or the scheme
(`Secure` cookies) asks here, so the rule is the same everywhere.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Iterable, Mapping, Optional, Tuple, Union

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


@functools.lru_cache(maxsize=8)
def _networks(trusted: Tuple[str, ...]) -> Tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def is_trusted(address: Optional[str], trusted: Iterable[str]) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(trusted)))


def client_address(peer: Optional[str], headers: Mapping[str, str], trusted: Iterable[str]) -> str:
    """The client's address: the peer's, or (from a trusted proxy) the right-most address in
    X-Forwarded-For that is not itself a trusted proxy."""
    trusted = tuple(trusted)
    address = peer or "unknown"
    if not trusted or not is_trusted(address, trusted):
        return address
    forwarded = [part.strip() for part in (headers.get("x-forwarded-for") or "").split(",") if part.strip()]
    for hop in reversed(forwarded):
        if not is_trusted(hop, trusted):
            return hop
    return forwarded[0] if forwarded else address


def scheme(peer: Optional[str], headers: Mapping[str, str], trusted: Iterable[str], direct: str) -> str:
    """ "https" or "http": the connection's own, or what a trusted proxy says it received."""
    if is_trusted(peer, tuple(trusted)):
        proto = (headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
        if proto in ("http", "https"):
            return proto
    return direct
