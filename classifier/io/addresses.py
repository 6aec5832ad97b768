"""Which network addresses the fetcher may connect to, enforced below httpx at connect time.

By default a fetch may only reach globally routable addresses: loopback, private (RFC 1918,
unique-local IPv6), link-local (169.254.0.0/16 with the cloud metadata service, fe80::/10),
carrier-grade NAT, multicast, unspecified and reserved or documentation ranges are refused,
also inside IPv4-mapped IPv6 addresses. ``allow_private=True`` lifts the policy (a crawler of
an intranet, or tests against a server on 127.0.0.1).

The check lives in :class:`GuardedBackend`, an httpcore network backend, so it applies to
every connection httpx opens: the first request, every redirect hop and any reconnect. The
host name is resolved here, only permitted addresses are connected to (by IP, so a second DNS
answer cannot differ), and the peer address of the socket actually connected is checked
again before a byte is sent. TLS still verifies the certificate against the host name.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any, Final

import httpcore

#: Resolves (host, port) to IP address strings; tests pass a stub.
Resolver = Callable[[str, int], list[str]]

ALLOW_HINT: Final = "pass --allow-private-addresses (allow_private=True) to allow it"
_CGNAT: Final = ipaddress.ip_network("100.64.0.0/10")


class AddressRefused(httpcore.ConnectError):
    """A connection refused by the address policy; ``reason`` says which address and why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def address_kind(ip: str) -> str | None:
    """Why ``ip`` may not be fetched by default ("loopback", "private", ...), or None if it is public."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return "unparsable"
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    checks = (
        ("loopback", addr.is_loopback),
        ("unspecified", addr.is_unspecified),
        ("link-local", addr.is_link_local),
        ("multicast", addr.is_multicast),
        ("carrier-grade NAT", isinstance(addr, ipaddress.IPv4Address) and addr in _CGNAT),
        ("private", addr.is_private),
        ("reserved", addr.is_reserved or not addr.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def system_resolver(host: str, port: int) -> list[str]:
    """The IP addresses ``host`` resolves to, in resolver order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _is_ip(host: str) -> bool:
    """True for an IP literal (IPv6 without brackets)."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore backend that resolves names itself and connects only to permitted addresses."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        inner: httpcore.NetworkBackend | None = None,
    ) -> None:
        self.allow_private = allow_private
        self._resolve = resolver or system_resolver
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Resolve ``host``, connect to the first permitted address, and check the peer."""
        for ip in self._permitted(host, port):
            try:
                stream = self._inner.connect_tcp(ip, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last: Exception = exc
                continue
            self._check_peer(host, stream)
            return stream
        raise last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        """Never: a Unix socket is a local endpoint."""
        raise AddressRefused(f"refused to connect to the Unix socket {path}")

    def sleep(self, seconds: float) -> None:
        """Sleep as the inner backend does (httpcore's retry back-off)."""
        self._inner.sleep(seconds)

    def _permitted(self, host: str, port: int) -> list[str]:
        """The addresses of ``host`` the policy allows; AddressRefused when there are none."""
        bare = host.strip("[]")
        try:
            ips = [bare] if _is_ip(bare) else self._resolve(bare, port)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        if self.allow_private:
            return ips
        kinds = {ip: address_kind(ip) for ip in ips}
        allowed = [ip for ip, kind in kinds.items() if kind is None]
        if not allowed:
            shown = ", ".join(f"{ip} ({kind})" for ip, kind in kinds.items()) or "no address"
            what = shown if _is_ip(bare) else f"{bare} ({shown})"
            raise AddressRefused(f"refused to connect to {what}: not a public address; {ALLOW_HINT}")
        return allowed

    def _check_peer(self, host: str, stream: httpcore.NetworkStream) -> None:
        """Close ``stream`` and refuse if the address it is connected to is not permitted."""
        if self.allow_private:
            return
        peer = stream.get_extra_info("server_addr")
        ip = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        kind = address_kind(ip) if ip else "unknown"
        if kind is not None:
            stream.close()
            raise AddressRefused(
                f"refused: {host} connected to {ip or 'an unknown address'} ({kind}); {ALLOW_HINT}"
            )
