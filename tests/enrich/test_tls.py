"""The TLS analyser on certificates made here with cryptography: valid, expired, not yet valid, for another name,
self-signed; and the legacy-TLS verdict on each way a handshake ends."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from riskengine.enrich.guard import DeadlineExceeded
from riskengine.enrich.tls import Certificate, expiry_verdict, legacy_tls_verdict, parse_certificate
from riskengine.enrich.web_scoring import load_web_scoring

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
_ISSUER_KEY = ec.generate_private_key(ec.SECP256R1())
_LEAF_KEY = ec.generate_private_key(ec.SECP256R1())
_ISSUER = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Issuing CA")])


def make_der(names: tuple[str, ...] = ("vendor.test", "*.vendor.test"), *, not_before: dt.datetime = NOW
             - dt.timedelta(days=30), not_after: dt.datetime = NOW + dt.timedelta(days=90), self_signed: bool = False,
             addresses: tuple[str, ...] = ()) -> bytes:
    """A DER certificate for ``names``, issued by the test CA unless ``self_signed``."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0] if names else "no-names")])
    alternatives: list[x509.GeneralName] = [x509.DNSName(name) for name in names]
    alternatives += [x509.IPAddress(ipaddress.ip_address(address)) for address in addresses]
    builder = (x509.CertificateBuilder()
               .subject_name(subject)
               .issuer_name(subject if self_signed else _ISSUER)
               .public_key(_LEAF_KEY.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before)
               .not_valid_after(not_after))
    if alternatives:
        builder = builder.add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
    signer = _LEAF_KEY if self_signed else _ISSUER_KEY
    return builder.sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def test_a_valid_certificate_is_read_with_its_names_issuer_and_dates() -> None:
    certificate = parse_certificate(make_der(not_after=dt.datetime(2027, 2, 22, 9, 0, 30, tzinfo=dt.UTC)))
    assert certificate.subject == "CN=vendor.test"
    assert certificate.issuer == "CN=Test Issuing CA"
    assert certificate.dns_names == ("vendor.test", "*.vendor.test")
    assert certificate.not_after == dt.datetime(2027, 2, 22, 9, 0, 30, tzinfo=dt.UTC)
    assert certificate.not_before == NOW - dt.timedelta(days=30)
    assert certificate.self_issued is False
    assert certificate.validity(NOW) == "valid"
    verdict = expiry_verdict(certificate, "vendor.test", NOW, load_web_scoring(), refused=False)
    assert verdict == ("pass", "the certificate of vendor.test expires in 90 days (2027-02-22)", 90)


def test_an_expired_certificate_fails_with_the_days_since() -> None:
    certificate = parse_certificate(make_der(not_after=NOW - dt.timedelta(days=3, hours=2)))
    assert certificate.validity(NOW) == "expired"
    verdict = expiry_verdict(certificate, "vendor.test", NOW, load_web_scoring(), refused=True)
    assert verdict.status == "fail" and verdict.value == -3
    assert verdict.reason == ("the certificate of vendor.test expired 3 days ago (2026-11-21); the certificate "
                              "itself was refused (see web.https)")
    # an hour past expiry is a day ago, never "0 days"
    just = parse_certificate(make_der(not_after=NOW - dt.timedelta(hours=1)))
    assert expiry_verdict(just, "vendor.test", NOW, load_web_scoring(), refused=False).reason == (
        "the certificate of vendor.test expired 1 day ago (2026-11-24)")


def test_a_certificate_close_to_expiry_fails_under_the_scorings_minimum() -> None:
    scoring = load_web_scoring()
    certificate = parse_certificate(make_der(not_after=NOW + dt.timedelta(days=10, hours=1)))
    verdict = expiry_verdict(certificate, "vendor.test", NOW, scoring, refused=False)
    assert verdict == ("fail", "the certificate of vendor.test expires in 10 days (2026-12-04), under the 14-day "
                               "minimum", 10)
    lenient = scoring.model_copy(update={"certificate_min_days": scoring.certificate_min_days.model_copy(
        update={"value": 7})})
    assert expiry_verdict(certificate, "vendor.test", NOW, lenient, refused=False).status == "pass"


def test_a_certificate_not_yet_valid_is_told_apart() -> None:
    certificate = parse_certificate(make_der(not_before=NOW + dt.timedelta(days=2)))
    assert certificate.validity(NOW) == "not yet valid"
    assert certificate.validity(NOW + dt.timedelta(days=3)) == "valid"


def test_names_match_exactly_or_by_one_leftmost_wildcard_label() -> None:
    certificate = parse_certificate(make_der(addresses=("192.0.2.7",)))
    assert certificate.matches("vendor.test") and certificate.matches("VENDOR.test.")
    assert certificate.matches("www.vendor.test")
    assert not certificate.matches("a.b.vendor.test")  # a wildcard covers one label only (RFC 6125 6.4.3)
    assert not certificate.matches("other.test")
    assert certificate.matches("192.0.2.7") and not certificate.matches("192.0.2.8")
    wrong = parse_certificate(make_der(("other.test",)))
    assert not wrong.matches("vendor.test")
    assert not parse_certificate(make_der(("*.test",))).matches("vendor.test")  # no wildcard over a public suffix


def test_a_self_signed_certificate_is_self_issued() -> None:
    certificate = parse_certificate(make_der(self_signed=True))
    assert certificate.self_issued is True
    assert certificate.issuer == certificate.subject == "CN=vendor.test"


def test_a_certificate_without_alternative_names_matches_nothing() -> None:
    certificate = parse_certificate(make_der(()))
    assert certificate.dns_names == () and not certificate.matches("no-names")


def test_what_is_not_a_certificate_is_refused_with_a_reason() -> None:
    der = make_der()
    for broken in (b"", b"\x30\x03\x02\x01\x01", der[:60], b"not DER at all"):
        with pytest.raises(ValueError, match="not a readable DER certificate"):
            parse_certificate(broken)


def test_certificate_is_frozen() -> None:
    certificate = parse_certificate(make_der())
    with pytest.raises(AttributeError):
        certificate.issuer = "CN=someone else"  # type: ignore[misc]
    assert isinstance(certificate, Certificate)


def _ssl_error(reason: str) -> ssl.SSLError:
    error = ssl.SSLError(1, f"[SSL: {reason}] {reason.lower()}")
    error.reason = reason
    return error


@pytest.mark.parametrize(("outcome", "expected"), [
    ("TLSv1.1", ("fail", "the server accepted TLSv1.1, deprecated by RFC 8996", True)),
    (_ssl_error("TLSV1_ALERT_PROTOCOL_VERSION"),
     ("pass", "the server refused TLS 1.0 and 1.1 (TLSV1_ALERT_PROTOCOL_VERSION)", False)),
    (_ssl_error("NO_PROTOCOLS_AVAILABLE"),
     ("unknown", "this machine's OpenSSL cannot offer TLS 1.0 or 1.1 (NO_PROTOCOLS_AVAILABLE)", None)),
    (ConnectionResetError(104, "Connection reset by peer"),
     ("pass", "the server refused TLS 1.0 and 1.1 (connection reset)", False)),
    (DeadlineExceeded("the 2 s deadline ran out during the TLS handshake"),
     ("unknown", "the 2 s deadline ran out during the TLS handshake", None)),
    (ConnectionRefusedError(111, "Connection refused"),
     ("unknown", "the TLS 1.0/1.1 handshake could not be made: [Errno 111] Connection refused", None)),
])
def test_legacy_tls_verdict(outcome: str | BaseException, expected: tuple[str, str, object]) -> None:
    assert tuple(legacy_tls_verdict(outcome)) == expected
