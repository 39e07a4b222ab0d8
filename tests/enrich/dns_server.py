"""A real DNS server on 127.0.0.1 for tests: UDP and TCP on one port, answering from a zone dict.

The zone maps ``(name, type)`` to record data in zone-file text: ``{("vendor.test.", "TXT"): ["v=spf1 -all"]}``.
TXT data not already quoted is quoted (and split into 255-byte strings) for convenience. A name with only
a CNAME is followed within the zone. Names that exist with other types get NODATA, others NXDOMAIN, both
with an SOA in the authority section so resolvers see a negative-caching TTL.

Like any resolver with a way out to the internet, it also answers the well-known names riskengine asks before
trusting any lookup (``scoring/network-probe.yaml``); ``internet=False`` stands in for a resolver with no way
out, which answers NXDOMAIN for those too.

``servfail`` names ``(name, type)`` questions answered SERVFAIL while the rest is answered normally (one
broken delegation). ``mode`` stands in for a broken server: ``silent`` never answers, ``servfail`` and
``refused`` answer with that rcode, ``garbage`` sends bytes that are no DNS message, ``truncate`` answers
over UDP with only the TC bit (so the client must retry over TCP, which answers in full), ``truncate-garbage``
the same but TCP sends garbage (a UDP client drops unreadable datagrams as possible spoofs; over TCP it must
report them). The mode may be changed while the server runs.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from riskengine.enrich.network import probe_names

Mode = Literal["normal", "silent", "servfail", "refused", "garbage", "truncate", "truncate-garbage"]
Zone = Mapping[tuple[str, str], Sequence[str]]

DEFAULT_TTL = 300
NEGATIVE_TTL = 60


class DnsServer:
    """Serve ``zone`` on 127.0.0.1 until ``close()``; ``queries`` logs ``(name, type, transport)``."""

    def __init__(self, zone: Zone, *, mode: Mode = "normal", ttls: Mapping[tuple[str, str], int] | None = None,
                 authenticated: bool = False, servfail: Iterable[tuple[str, str]] = (), internet: bool = True) -> None:
        self.zone = {(name.lower(), record_type.upper()): list(data) for (name, record_type), data in zone.items()}
        if internet:  # the names riskengine asks to see that the network answers, as any working resolver knows them
            for number, name in enumerate(probe_names(), start=1):
                self.zone.setdefault((f"{name}.", "A"), [f"192.0.2.{number}"])
        self.servfail = {(name.lower(), record_type.upper()) for name, record_type in servfail}
        self.ttls = {(name.lower(), record_type.upper()): ttl for (name, record_type), ttl in (ttls or {}).items()}
        self.mode: Mode = mode
        self.authenticated = authenticated
        """Set the AD flag on answers, as a validating resolver does for a signed zone."""
        self.queries: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()
        self._udp, self._tcp = self._bind()
        self.port: int = self._udp.server_address[1]
        self._threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                          name=f"dns-test-{kind}", daemon=True)
                         for kind, server in (("udp", self._udp), ("tcp", self._tcp))]
        for thread in self._threads:
            thread.start()

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def close(self) -> None:
        for server in (self._udp, self._tcp):
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> DnsServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def asked(self, name: str | None = None, record_type: str | None = None) -> list[tuple[str, str, str]]:
        """The logged queries, optionally only those for ``name`` and/or ``record_type``."""
        with self._lock:
            return [query for query in self.queries
                    if (name is None or query[0] == name.lower()) and (record_type is None or query[1] == record_type)]

    # --- answering ------------------------------------------------------------------------------------------

    def reply(self, wire: bytes, transport: str) -> bytes | None:
        """The bytes to send back for one query, or None to stay silent."""
        try:
            query = dns.message.from_wire(wire)
        except Exception:
            return None
        if not query.question:
            return None
        question = query.question[0]
        name = question.name.to_text().lower()
        record_type = dns.rdatatype.to_text(question.rdtype)
        with self._lock:
            self.queries.append((name, record_type, transport))
        mode = self.mode
        if mode == "silent":
            return None
        if mode == "garbage" or (mode == "truncate-garbage" and transport == "tcp"):
            return wire[:2] + b"\x84\x00\x00\x01\x00\x05" + b"\xde\xad\xbe\xef" * 5
        response = dns.message.make_response(query)
        if mode == "servfail" or (name, record_type) in self.servfail:
            response.set_rcode(dns.rcode.SERVFAIL)
            return response.to_wire()
        if mode == "refused":
            response.set_rcode(dns.rcode.REFUSED)
            return response.to_wire()
        if mode in ("truncate", "truncate-garbage") and transport == "udp":
            response.flags |= dns.flags.TC
            return response.to_wire()
        response.flags |= dns.flags.AA
        if self.authenticated:
            response.flags |= dns.flags.AD
        self._answer(response, name, record_type)
        return response.to_wire(max_size=65535)

    def _answer(self, response: dns.message.Message, name: str, record_type: str) -> None:
        for _ in range(8):
            data = self.zone.get((name, record_type))
            if data is not None:
                response.answer.append(self._rrset(name, record_type, data))
                return
            target = self.zone.get((name, "CNAME"))
            if target is None:
                break
            response.answer.append(self._rrset(name, "CNAME", target))
            name = target[0].lower()
        if not any(owner == name or owner.endswith("." + name) for owner, _ in self.zone):
            response.set_rcode(dns.rcode.NXDOMAIN)
        apex = ".".join(name.rstrip(".").split(".")[-2:]) + "."
        response.authority.append(dns.rrset.from_text(
            apex, NEGATIVE_TTL, dns.rdataclass.IN, "SOA",
            f"ns.{apex} hostmaster.{apex} 1 3600 600 86400 {NEGATIVE_TTL}"))

    def _rrset(self, name: str, record_type: str, data: Sequence[str]) -> dns.rrset.RRset:
        texts = [_quote_txt(item) if record_type == "TXT" else item for item in data]
        ttl = self.ttls.get((name, record_type), DEFAULT_TTL)
        return dns.rrset.from_text_list(name, ttl, dns.rdataclass.IN, record_type, texts)

    # --- sockets --------------------------------------------------------------------------------------------

    def _bind(self) -> tuple[socketserver.ThreadingUDPServer, socketserver.ThreadingTCPServer]:
        owner = self

        class UdpHandler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                wire, sock = self.request
                answer = owner.reply(wire, "udp")
                if answer is not None:
                    sock.sendto(answer, self.client_address)

        class TcpHandler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(5)
                try:
                    while True:
                        header = _read_exactly(self.request, 2)
                        if header is None:
                            return
                        wire = _read_exactly(self.request, struct.unpack("!H", header)[0])
                        if wire is None:
                            return
                        answer = owner.reply(wire, "tcp")
                        if answer is None:
                            return
                        self.request.sendall(struct.pack("!H", len(answer)) + answer)
                except OSError:
                    return

        for _ in range(20):
            udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), UdpHandler)
            udp.daemon_threads = True
            try:
                tcp = socketserver.ThreadingTCPServer(("127.0.0.1", udp.server_address[1]), TcpHandler)
            except OSError:
                udp.server_close()
                continue
            tcp.daemon_threads = True
            return udp, tcp
        raise OSError("no port free for both UDP and TCP on 127.0.0.1")


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _quote_txt(text: str) -> str:
    if text.startswith('"'):
        return text
    chunks = [text[start:start + 255] for start in range(0, len(text), 255)] or [""]
    return " ".join('"' + chunk.replace("\\", "\\\\").replace('"', '\\"') + '"' for chunk in chunks)
