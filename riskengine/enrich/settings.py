"""How the enrichment stage may use the network: limits, overrides, and the networks it may reach."""

from __future__ import annotations

import ipaddress

from pydantic import BaseModel, ConfigDict, Field, field_validator

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class NetworkSettings(BaseModel):
    """Every knob of outgoing connections; the defaults are safe for use on the internet."""

    model_config = ConfigDict(frozen=True)

    allow_networks: tuple[Network, ...] = ()
    """Non-global networks that may be reached anyway (tests, air-gapped mirrors): ``127.0.0.0/8``."""
    resolve: dict[str, str] = {}
    """curl-style overrides ``host -> address``: the address is used instead of DNS (still guarded)."""
    whois_server: tuple[str, int] | None = None
    """Send every WHOIS query to this server instead of the registry's (tests, mirrors)."""
    rdap_base: str | None = None
    """Use this RDAP base URL instead of the IANA bootstrap registry's (tests, mirrors)."""
    dns_server: tuple[str, int] | None = None
    """Ask this DNS server instead of the system resolver."""
    probe_names: tuple[str, ...] | None = None
    """Names whose A records show that the network answers, asked before any check (None: the shipped
    ``scoring/network-probe.yaml``); an air-gapped resolver that knows only internal names needs its own."""
    https_port: int = Field(default=443, ge=1, le=65535)
    http_port: int = Field(default=80, ge=1, le=65535)
    """The ports web checks use; only tests change them (a real deployment stays on 443 and 80)."""
    ca_bundle: str | None = None
    """A CA bundle to trust instead of the system's (tests use a private CA)."""
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=10.0, gt=0)
    deadline: float = Field(default=30.0, gt=0)
    """Total seconds for all checks of one vendor."""
    max_bytes: int = Field(default=1_000_000, gt=0)
    """Largest response read from any server."""
    max_redirects: int = Field(default=5, ge=0, le=10)
    offline: bool = False
    """Never connect: use only the evidence store."""

    @field_validator("allow_networks", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(ipaddress.ip_network(str(item), strict=False) for item in value)
        return value


def parse_host_port(text: str, default_port: int) -> tuple[str, int]:
    """``host:port`` or ``[v6]:port`` or ``host``; raises ValueError with what was expected."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host, port = text, ""
    if not host:
        raise ValueError(f"expected HOST:PORT, got {text!r}")
    try:
        number = int(port) if port else default_port
    except ValueError:
        raise ValueError(f"expected a port number in {text!r}") from None
    if not 0 < number < 65536:
        raise ValueError(f"port {number} out of range in {text!r}")
    return host, number
