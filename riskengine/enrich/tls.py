"""What the TLS checks judge, without the network: the server's certificate (read with ``cryptography``) and
whether the server accepted a legacy protocol version.

The standard library parses a certificate only after verifying it, and an expired, untrusted or misnamed
one is exactly what a check must still read; ``cryptography.x509`` reads any well-formed DER certificate.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import ssl
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from cryptography import x509
from cryptography.x509.oid import ExtensionOID

from riskengine.enrich.evidence import Status
from riskengine.enrich.guard import DeadlineExceeded
from riskengine.enrich.http import short
from riskengine.enrich.web_scoring import WebScoring

__all__ = ["LOCAL_TLS_LIMITS", "Certificate", "Validity", "Verdict", "expiry_verdict", "legacy_tls_verdict",
           "parse_certificate"]

LOCAL_TLS_LIMITS = frozenset({"NO_PROTOCOLS_AVAILABLE", "NO_CIPHERS_AVAILABLE"})
"""Handshake errors raised by our side because this OpenSSL cannot offer what was asked."""

Validity = Literal["valid", "expired", "not yet valid"]


class Verdict(NamedTuple):
    """A check's status, the sentence its evidence shows, and the value its fact takes."""

    status: Status
    reason: str
    value: Any


@dataclass(frozen=True)
class Certificate:
    """The fields of a server certificate the checks read (RFC 5280 section 4.1)."""

    der: bytes
    subject: str
    """The subject as an RFC 4514 string (``CN=vendor.test``)."""
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    dns_names: tuple[str, ...]
    """The subjectAltName DNS names, lower-cased; empty when the certificate has none."""
    ip_addresses: tuple[str, ...]
    self_issued: bool
    """Issuer and subject are the same name: a self-signed certificate (or a root), trusted by no one's say."""

    def validity(self, now: dt.datetime) -> Validity:
        if now < self.not_before:
            return "not yet valid"
        return "expired" if now > self.not_after else "valid"

    def matches(self, host: str) -> bool:
        """Whether the subjectAltName covers ``host`` (RFC 6125 section 6.4: a wildcard only as the whole
        leftmost label, covering exactly one label); the subject's CN is not read, as browsers no longer do."""
        try:
            return str(ipaddress.ip_address(host)) in self.ip_addresses
        except ValueError:
            pass
        wanted = host.lower().rstrip(".").split(".")
        for name in self.dns_names:
            pattern = name.rstrip(".").split(".")
            if len(pattern) != len(wanted):
                continue
            if pattern[0] == "*" and len(pattern) > 2 and pattern[1:] == wanted[1:]:
                return True
            if pattern == wanted:
                return True
        return False


def parse_certificate(der: bytes) -> Certificate:
    """Read a DER X.509 certificate; ValueError (with what was wrong) when it cannot be read."""
    try:
        certificate = x509.load_der_x509_certificate(der)
        subject, issuer = certificate.subject, certificate.issuer
        not_before, not_after = certificate.not_valid_before_utc, certificate.not_valid_after_utc
        try:
            names = certificate.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        except x509.ExtensionNotFound:
            dns_names: tuple[str, ...] = ()
            addresses: tuple[str, ...] = ()
        else:
            assert isinstance(names, x509.SubjectAlternativeName)
            dns_names = tuple(name.lower() for name in names.get_values_for_type(x509.DNSName))
            addresses = tuple(str(address) for address in names.get_values_for_type(x509.IPAddress))
    except ValueError as exc:
        raise ValueError(f"not a readable DER certificate ({short(str(exc), 120)})") from None
    return Certificate(der=der, subject=subject.rfc4514_string(), issuer=issuer.rfc4514_string(),
                       not_before=not_before, not_after=not_after, dns_names=dns_names, ip_addresses=addresses,
                       self_issued=subject == issuer)


def expiry_verdict(certificate: Certificate, host: str, now: dt.datetime, scoring: WebScoring, *,
                   refused: bool) -> Verdict:
    """``web.cert_days_left``: whole days until the certificate expires, failing under the scoring's minimum.

    Counted in whole days left, or whole days since expiry (at least one: an expired certificate is never
    "0 days"). ``refused`` says the verified connection refused the certificate (see ``web.https``).
    """
    seconds = (certificate.not_after - now).total_seconds()
    days = math.floor(seconds / 86_400) if seconds >= 0 else -max(1, math.floor(-seconds / 86_400))
    minimum = scoring.certificate_min_days.value
    when = certificate.not_after.date().isoformat()
    if days < 0:
        reason = f"the certificate of {host} expired {-days} day{'s' if days < -1 else ''} ago ({when})"
    elif days < minimum:
        reason = f"the certificate of {host} expires in {days} days ({when}), under the {minimum}-day minimum"
    else:
        reason = f"the certificate of {host} expires in {days} days ({when})"
    if refused:
        reason += "; the certificate itself was refused (see web.https)"
    return Verdict("fail" if days < minimum else "pass", reason, days)


def legacy_tls_verdict(outcome: str | BaseException) -> Verdict:
    """``web.tls_legacy`` from a handshake that offered only TLS 1.0 and 1.1: the version the server agreed
    to (it accepts a protocol RFC 8996 deprecates), or the error that ended the handshake."""
    if isinstance(outcome, str):
        return Verdict("fail", f"the server accepted {outcome}, deprecated by RFC 8996", True)
    if isinstance(outcome, ssl.SSLError):
        if outcome.reason in LOCAL_TLS_LIMITS:
            return Verdict("unknown", f"this machine's OpenSSL cannot offer TLS 1.0 or 1.1 ({outcome.reason})", None)
        return Verdict("pass", f"the server refused TLS 1.0 and 1.1 ({outcome.reason or short(str(outcome))})",
                       False)
    if isinstance(outcome, ConnectionResetError):
        return Verdict("pass", "the server refused TLS 1.0 and 1.1 (connection reset)", False)
    if isinstance(outcome, DeadlineExceeded):
        return Verdict("unknown", str(outcome), None)
    return Verdict("unknown", f"the TLS 1.0/1.1 handshake could not be made: {short(str(outcome))}", None)
