"""The address guard: every outgoing connection resolves once, is checked, and connects to that address.

We write our own because the library that did this for requests is unmaintained. A host is refused when
any address it resolves to is not globally routable (loopback, private, link-local, CGNAT, multicast,
reserved), including those hidden inside IPv6 (IPv4-mapped, NAT64, 6to4, Teredo), unless the address lies
in a network the settings explicitly allow (tests, air-gapped mirrors). The caller then connects to the
checked address itself, so a second DNS answer (rebinding) cannot move the connection.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a type only: the parser worker imports this module and must start without pydantic
    from riskengine.enrich.settings import NetworkSettings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


class AddressRefused(Exception):
    """A connection the guard will not make; the message says why."""


class DeadlineExceeded(Exception):
    """The vendor's total time budget ran out."""


@dataclass
class Deadline:
    """A total time budget, on the monotonic clock."""

    seconds: float

    def __post_init__(self) -> None:
        self._end = time.monotonic() + self.seconds

    def remaining(self) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded(f"the {self.seconds:g} s deadline for this vendor ran out")
        return left

    def timeout(self, limit: float) -> float:
        """The smaller of ``limit`` and the time left."""
        return min(limit, self.remaining())


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (IPv4-mapped, NAT64, 6to4, Teredo client), if any."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


class AddressGuard:
    def __init__(self, settings: NetworkSettings) -> None:
        self.settings = settings

    def check(self, address: IPAddress) -> None:
        """Raise AddressRefused unless ``address`` (and any IPv4 inside it) may be reached."""
        if any(address in network for network in self.settings.allow_networks if network.version == address.version):
            return
        inner = embedded_ipv4(address)
        if inner is not None:
            if any(inner in network for network in self.settings.allow_networks if network.version == 4):
                return
            if not inner.is_global or inner.is_multicast:
                raise AddressRefused(f"{address} carries the non-public IPv4 address {inner}")
        if inner is None and (not address.is_global or address.is_multicast or address.is_reserved
                              or address.is_unspecified):
            raise AddressRefused(f"{address} is not a public address ({_describe(address)})")

    def resolve(self, host: str, deadline: Deadline) -> IPAddress:
        """Resolve ``host`` once and return its first address; refuse if any address is not allowed.

        Refusing on any bad address (rather than picking a good one) defeats answers that mix a public
        address with an internal one.
        """
        addresses = self._lookup(host, deadline)
        if not addresses:
            raise AddressRefused(f"{host} has no address")
        for address in addresses:
            self.check(address)
        return addresses[0]

    def connect(self, host: str, port: int, deadline: Deadline) -> tuple[socket.socket, IPAddress]:
        """A TCP connection to ``host`` at its checked address, within the connect timeout and the deadline."""
        address = self.resolve(host, deadline)
        family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(deadline.timeout(self.settings.connect_timeout))
        try:
            sock.connect((str(address), port))
        except OSError:
            sock.close()
            raise
        return sock, address

    def _lookup(self, host: str, deadline: Deadline) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host)]
        except ValueError:
            pass
        override = self.settings.resolve.get(host.lower())
        if override is not None:
            return [ipaddress.ip_address(override)]
        if self.settings.dns_server is not None:
            return self._lookup_with(host, deadline)
        timeout = deadline.timeout(self.settings.connect_timeout)
        previous = socket.getdefaulttimeout()
        socket.setdefaulttimeout(timeout)
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise AddressRefused(f"{host} does not resolve ({exc.strerror})") from exc
        finally:
            socket.setdefaulttimeout(previous)
        seen: list[IPAddress] = []
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            if address not in seen:
                seen.append(address)
        return seen

    def dns_server(self, deadline: Deadline) -> tuple[IPAddress, int]:
        """The configured DNS server's checked address and port: the guard applies to resolver traffic too.

        A server given by name is resolved once by the system resolver (never by itself). Raises
        AddressRefused when the address may not be reached (a loopback or private server needs
        ``allow_networks``), so no query is ever sent to it.
        """
        assert self.settings.dns_server is not None
        host, port = self.settings.dns_server
        try:
            try:
                address = ipaddress.ip_address(host)
            except ValueError:
                system = AddressGuard(self.settings.model_copy(update={"dns_server": None}))
                return system.resolve(host, deadline), port
            self.check(address)
        except AddressRefused as exc:
            raise AddressRefused(f"the DNS server {host} may not be used: {exc}") from None
        return address, port

    def _lookup_with(self, host: str, deadline: Deadline) -> list[IPAddress]:
        """A and AAAA from the configured DNS server (dnspython), for tests and private resolvers; the
        server's own address passes the guard first."""
        import dns.exception
        import dns.resolver

        try:
            server, port = self.dns_server(deadline)
        except AddressRefused as exc:
            raise AddressRefused(f"{host} was not looked up: {exc}") from None
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [str(server)]
        resolver.port = port
        found: list[IPAddress] = []
        for record_type in ("A", "AAAA"):
            try:
                answer = resolver.resolve(host, record_type, lifetime=deadline.timeout(self.settings.connect_timeout))
            except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
                continue
            except dns.exception.DNSException as exc:
                raise AddressRefused(f"{host} could not be resolved ({type(exc).__name__})") from exc
            found.extend(ipaddress.ip_address(record.to_text()) for record in answer)
        return found


def _describe(address: IPAddress) -> str:
    for name in ("loopback", "link_local", "unspecified", "multicast", "reserved", "private"):
        if getattr(address, f"is_{name}", False):
            return name.replace("_", "-")
    if isinstance(address, ipaddress.IPv4Address) and address in ipaddress.ip_network("100.64.0.0/10"):
        return "carrier-grade NAT"
    return "not globally routable"
