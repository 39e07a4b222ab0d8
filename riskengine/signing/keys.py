"""Keys and certificates: the organisation's signing key with a self-signed certificate for a first install, a
user's own key for signing off from the command line, and loading either (or the company's own, PEM or PKCS#12).

The organisation's key is RSA (3072 bits) so that its PAdES signatures are deterministic (PKCS#1 v1.5: the same
document, key and signing time give the same bytes); a user's key is Ed25519 (deterministic too, and small). A
private key is written with mode 0600 and never over an existing file. ``cryptography`` does the work: no
hand-written cryptography here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from riskengine.signing.errors import SigningKeyError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
    from cryptography.x509 import Certificate

ORGANISATION_KEY = "signing.key"
ORGANISATION_CERTIFICATE = "signing.crt"
RSA_BITS = 3072
"""NIST SP 800-57 Part 1 Rev. 5, table 2: 3072-bit RSA gives 128-bit security, enough beyond 2030."""
VALIDITY_DAYS = 10 * 365
"""A first install's self-signed certificate: ten years, so reports signed now verify for as long as kept; a
company certificate (docs/signing.md) has its own validity."""
PASSPHRASE_ENVIRONMENT = "RISKENGINE_SIGNING_PASSPHRASE"
"""The passphrase of an encrypted key or PKCS#12 file, read from the environment (never from the settings file)."""


@dataclass(frozen=True)
class KeyFiles:
    """The files ``create_keys`` wrote: the private key (mode 0600) and its certificate (public, to hand out)."""

    key: Path
    certificate: Path
    subject: str
    fingerprint: str
    """SHA-256 of the certificate's DER, hex."""


def fingerprint(certificate: Certificate) -> str:
    """The SHA-256 fingerprint of ``certificate`` (its DER), 64 hex digits."""
    from cryptography.hazmat.primitives.serialization import Encoding

    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def common_name(certificate: Certificate) -> str:
    """The certificate's subject common name (its organisation, or its whole subject, if it has none)."""
    from cryptography.x509.oid import NameOID

    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        names = certificate.subject.get_attributes_for_oid(oid)
        if names:
            return str(names[0].value)
    return certificate.subject.rfc4514_string()


def create_keys(folder: Path, *, name: str, now: dt.datetime, user: bool = False) -> KeyFiles:
    """Create a private key and a self-signed certificate naming ``name`` in ``folder``.

    The organisation's (``user`` false): ``signing.key`` (RSA) and ``signing.crt``, for signing approved reports.
    A user's: ``<name>.key`` (Ed25519) and ``<name>.crt``, for signing off from the command line. ``SigningKeyError``
    when the key file exists already (a key is never replaced: reports signed with it must stay verifiable) or
    the folder cannot be written; nothing is left half-written.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    name = " ".join(name.split())
    if not name:
        raise SigningKeyError("a key needs a name (--name for the organisation, --user for a user)")
    stem = _file_stem(name) if user else "signing"
    key_path, certificate_path = folder / f"{stem}.key", folder / f"{stem}.crt"
    for path in (key_path, certificate_path):
        if path.exists() or path.is_symlink():
            raise SigningKeyError(f"{path} exists already: a key is never replaced (reports signed with it must stay "
                            "verifiable); move it away first, or use another --dir")
    private_key: CertificateIssuerPrivateKeyTypes
    if user:
        private_key = ed25519.Ed25519PrivateKey.generate()
        algorithm = None
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        usage = [ExtendedKeyUsageOID.CLIENT_AUTH]
    else:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        algorithm = hashes.SHA256()
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                             x509.NameAttribute(NameOID.ORGANIZATION_NAME, name)])
        usage = [ExtendedKeyUsageOID.EMAIL_PROTECTION]
    start = now.astimezone(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
    certificate = (x509.CertificateBuilder()
                   .subject_name(subject).issuer_name(subject)
                   .public_key(private_key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(start).not_valid_after(start + dt.timedelta(days=VALIDITY_DAYS))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                                key_encipherment=False, data_encipherment=False,
                                                key_agreement=False, key_cert_sign=False, crl_sign=False,
                                                encipher_only=False, decipher_only=False), critical=True)
                   .add_extension(x509.ExtendedKeyUsage(usage), critical=False)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(private_key.public_key()),
                                  critical=False)
                   .sign(private_key, algorithm))
    key_bytes = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_new(key_path, key_bytes, 0o600)
        try:
            _write_new(certificate_path, certificate.public_bytes(serialization.Encoding.PEM), 0o644)
        except BaseException:
            key_path.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise SigningKeyError(f"cannot write {exc.filename or folder}: {exc.strerror or exc}") from exc
    return KeyFiles(key=key_path, certificate=certificate_path, subject=name, fingerprint=fingerprint(certificate))


def _file_stem(name: str) -> str:
    """A user's name as a file name: letters, digits, dot, dash and underscore kept, the rest ``-``."""
    stem = "".join(character if character.isalnum() or character in "._-" else "-" for character in name.lower())
    return stem.strip(".-") or "user"


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to a new file ``path`` with ``mode``; never over an existing one (``O_EXCL``)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def load_certificate(path: Path) -> Certificate:
    """The X.509 certificate in ``path`` (PEM or DER); ``SigningKeyError`` naming the file when it holds none."""
    from cryptography import x509

    data = _read(path, "certificate")
    try:
        return x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data else x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise SigningKeyError(f"{path}: not an X.509 certificate (PEM or DER): {exc}") from exc


def load_certificates(path: Path) -> list[Certificate]:
    """Every certificate in ``path`` (a PEM bundle, or one DER certificate)."""
    from cryptography import x509

    data = _read(path, "certificate")
    try:
        if b"-----BEGIN" in data:
            return list(x509.load_pem_x509_certificates(data))
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise SigningKeyError(f"{path}: not an X.509 certificate (PEM or DER): {exc}") from exc


@dataclass(frozen=True)
class LoadedKey:
    """A private key with its certificate (and the chain a PKCS#12 file may carry)."""

    key: CertificateIssuerPrivateKeyTypes
    certificate: Certificate
    chain: tuple[Certificate, ...] = ()


def load_key(key_path: Path, certificate_path: Path | None, *, passphrase: bytes | None = None) -> LoadedKey:
    """The private key in ``key_path`` (PEM/DER PKCS#8 or PKCS#1, or a PKCS#12 file ``.p12``/``.pfx`` holding
    the certificate too) and its certificate (``certificate_path``; not needed for PKCS#12).

    The passphrase of an encrypted file is ``passphrase``, else ``RISKENGINE_SIGNING_PASSPHRASE``. ``SigningKeyError``
    naming the file for a missing or unreadable key, a wrong passphrase, or a certificate of another key.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    if passphrase is None and os.environ.get(PASSPHRASE_ENVIRONMENT):
        passphrase = os.environ[PASSPHRASE_ENVIRONMENT].encode()
    data = _read(key_path, "key")
    chain: tuple[Certificate, ...] = ()
    try:
        if key_path.suffix.lower() in (".p12", ".pfx"):
            key, certificate, extra = pkcs12.load_key_and_certificates(data, passphrase)
            if key is None or certificate is None:
                raise SigningKeyError(f"{key_path}: the PKCS#12 file holds no private key with its certificate")
            chain = tuple(extra)
        else:
            loader = serialization.load_pem_private_key if b"-----BEGIN" in data else \
                serialization.load_der_private_key
            key = loader(data, passphrase)
            certificate = None
    except TypeError as exc:  # encrypted without a passphrase, or a passphrase for an unencrypted key
        raise SigningKeyError(f"{key_path}: {exc}; set {PASSPHRASE_ENVIRONMENT} to its passphrase") from exc
    except ValueError as exc:
        raise SigningKeyError(f"{key_path}: not a private key riskengine can read, or a wrong passphrase "
                              f"({exc})") from exc
    if certificate is None:
        if certificate_path is None:
            raise SigningKeyError(f"{key_path}: no certificate named for this key (signing.certificate in "
                                  "riskengine.toml)")
        certificate = load_certificate(certificate_path)
        if certificate_path is not None and certificate_path.exists():
            bundle = load_certificates(certificate_path)
            chain = tuple(bundle[1:])
    if not _same_key(key, certificate):
        raise SigningKeyError(f"{certificate_path or key_path}: the certificate is not of the key {key_path}")
    return LoadedKey(key=key, certificate=certificate, chain=chain)  # type: ignore[arg-type]


def _same_key(key: object, certificate: Certificate) -> bool:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = getattr(key, "public_key", None)
    if public is None:
        return False
    mine: bytes = public().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return mine == certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def _read(path: Path, what: str) -> bytes:
    from riskengine.runfiles import require_regular_file

    if not path.exists():
        raise SigningKeyError(f"{path}: no such {what} file (riskengine keys init creates one; docs/signing.md)")
    require_regular_file(path)
    size = path.stat().st_size
    if size > 1_000_000:
        raise SigningKeyError(f"{path}: {size:,} bytes is too large for a {what} file")
    return path.read_bytes()


def sign_statement(key: LoadedKey, statement: bytes) -> str:
    """``key``'s signature over ``statement``, hex: Ed25519 (a user's key), else RSA PKCS#1 v1.5 or ECDSA over
    SHA-256 (a company-issued key)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    private = key.key
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return private.sign(statement).hex()
    if isinstance(private, rsa.RSAPrivateKey):
        return private.sign(statement, padding.PKCS1v15(), hashes.SHA256()).hex()
    if isinstance(private, ec.EllipticCurvePrivateKey):
        return private.sign(statement, ec.ECDSA(hashes.SHA256())).hex()
    raise SigningKeyError(f"a {type(private).__name__} cannot sign a sign-off: use Ed25519, RSA or ECDSA")


def statement_problem(certificate_pem: str, subject: str, signed_by: str, statement: bytes,
                      signature: str) -> str | None:
    """What is wrong with a sign-off made with a user's key (``signature`` over ``statement`` by the key of
    ``certificate_pem``, whose fingerprint must be ``subject`` and whose name ``signed_by``), or None."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
        raw = bytes.fromhex(signature)
    except (ValueError, UnicodeEncodeError) as exc:
        return f"its certificate or signature cannot be read ({exc})"
    if fingerprint(certificate) != subject:
        return f"its certificate's fingerprint is {fingerprint(certificate)}, not the {subject} recorded"
    if common_name(certificate) != signed_by:
        return f"its certificate names {common_name(certificate)!r}, not {signed_by!r}"
    public = certificate.public_key()
    try:
        if isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(raw, statement)
        elif isinstance(public, rsa.RSAPublicKey):
            public.verify(raw, statement, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(raw, statement, ec.ECDSA(hashes.SHA256()))
        else:
            return f"its certificate holds a {type(public).__name__}, which riskengine does not check"
    except InvalidSignature:
        return "the user's signature does not match the sign-off as listed (changed after it was signed)"
    return None
