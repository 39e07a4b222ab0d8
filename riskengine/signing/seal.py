"""Sign a rendered report: the approval record attached, then a PAdES signature (baseline B-B, or B-T with an
RFC 3161 timestamp) over the whole file, in one incremental update, by pyHanko.

Deterministic where the scheme allows: RSA PKCS#1 v1.5 signatures are, the signing time is the caller's clock
(``SOURCE_DATE_EPOCH``), and the second half of the file identifier, which pyHanko draws at random for an
incremental update, is derived from the document instead (a sha256 of the rendered bytes and the record). A
timestamp token from a service is not reproducible (the service's own clock and serial number): with a timestamp
URL the signed bytes differ from run to run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from riskengine.signing.errors import SigningError
from riskengine.signing.record import RECORD_NAME, ApprovalRecord

if TYPE_CHECKING:
    from riskengine.signing.keys import LoadedKey

SIGNATURE_FIELD = "riskengine-approval"
"""The signature field's name: how ``verify`` finds riskengine's signature among others."""
TIMESTAMP_TIMEOUT = 20.0
"""Seconds to wait for the RFC 3161 service: a signed report is issued at the end of a sign-off, not in a batch."""


@dataclass(frozen=True)
class Timestamping:
    """An RFC 3161 timestamp service: its URL, and how long to wait for it."""

    url: str
    timeout: float = TIMESTAMP_TIMEOUT


def seal_pdf(pdf: bytes, record: ApprovalRecord, key: LoadedKey, *, now: dt.datetime,
             timestamping: Timestamping | None = None) -> bytes:
    """``pdf`` with ``record`` attached and signed by ``key`` (PAdES), at ``now``: the signed file's bytes.

    ``SigningError`` when the timestamp service fails or pyHanko cannot sign (the message says which).
    """
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
    from pyhanko.pdf_utils import embed, generic
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    certificate = asn1_x509.Certificate.load(key.certificate.public_bytes(Encoding.DER))
    private = asn1_keys.PrivateKeyInfo.load(key.key.private_bytes(Encoding.DER, PrivateFormat.PKCS8,
                                                                   NoEncryption()))
    chain = [asn1_x509.Certificate.load(extra.public_bytes(Encoding.DER)) for extra in key.chain]
    signer = signers.SimpleSigner(signing_cert=certificate, signing_key=private,
                                  cert_registry=SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
                                      [certificate, *chain]))
    attached = record.json_bytes()
    moment = now.astimezone(dt.UTC).replace(microsecond=0)
    writer = _writer_at(moment)(io.BytesIO(pdf), strict=False)
    identifier = hashlib.sha256(pdf + attached).digest()[:16]
    first = writer.document_id[0]
    # pyHanko draws the second half of the identifier at random for an incremental update: set it from the content
    writer._document_id = generic.ArrayObject([generic.ByteStringObject(first),
                                               generic.ByteStringObject(identifier)])
    embed.embed_file(writer, embed.FileSpec(
        file_spec_string=RECORD_NAME, file_name=RECORD_NAME,
        embedded_data=embed.EmbeddedFileObject.from_file_data(
            writer, data=attached, mime_type="application/json",
            params=embed.EmbeddedFileParams(embed_checksum=False, creation_date=moment, modification_date=moment)),
        description="riskengine approval record: the sign-offs and the inputs' sha256 this signature vouches for",
        af_relationship=generic.NameObject("/Data")))
    timestamper = None
    if timestamping is not None:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(timestamping.url, timeout=int(max(1, timestamping.timeout)))
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=f"{record.status} by the council: {record.assessment_id}", name=_common_name(key))
    pdf_signer = _signer_at(metadata, signer, moment, timestamper=timestamper,
                                  new_field_spec=fields.SigFieldSpec(sig_field_name=SIGNATURE_FIELD))
    try:
        output = _outside_any_event_loop(pdf_signer.sign_pdf, writer)
    except Exception as exc:  # pyHanko's and the network's errors, as one message naming what failed
        what = f"the timestamp service {timestamping.url}" if timestamping is not None and _is_network(exc) \
            else "pyHanko"
        raise SigningError(f"could not sign the report of {record.assessment_id}: {what}: "
                           f"{type(exc).__name__}: {exc}") from exc
    signed: bytes = output.getvalue()
    return signed


def _outside_any_event_loop(function: Any, *args: Any) -> Any:
    """``function(*args)``, in a thread of its own when this one runs an event loop (the web app's request
    handlers): pyHanko's ``sign_pdf`` starts an event loop of its own, which cannot run inside another."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def _common_name(key: LoadedKey) -> str:
    from riskengine.signing.keys import common_name

    return common_name(key.certificate)


def _is_network(exc: BaseException) -> bool:
    names = {type(cause).__module__.split(".")[0] for cause in _causes(exc)}
    return bool(names & {"aiohttp", "requests", "urllib3", "asyncio", "socket"}) or any(
        "Timestamp" in type(cause).__name__ or isinstance(cause, OSError | TimeoutError) for cause in _causes(exc))


def _causes(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _writer_at(moment: dt.datetime) -> Any:
    """pyHanko's incremental writer, writing ``moment`` as the document's modification date, in its information
    dictionary and its XMP metadata (pyHanko sets it to "now" before each write)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata.model import DocumentMetadata

    class MetadataAt(DocumentMetadata):
        def __setattr__(self, name: str, value: object) -> None:
            super().__setattr__(name, moment if name == "last_modified" else value)

    class WriterAt(IncrementalPdfFileWriter):
        def __init__(self, *args: Any, **options: Any) -> None:
            super().__init__(*args, **options)
            self._meta = MetadataAt()

    return WriterAt


def _fixed_time_signer() -> Any:
    from pyhanko.sign import signers

    class FixedTimeSigner(signers.PdfSigner):
        """pyHanko's PdfSigner at a given signing time (pyHanko takes the system clock otherwise)."""

        def __init__(self, metadata: Any, signer: Any, moment: dt.datetime, **options: Any) -> None:
            super().__init__(metadata, signer, **options)
            self._moment = moment

        def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = self._moment
            return session

    return FixedTimeSigner


def _signer_at(metadata: Any, signer: Any, moment: dt.datetime, **options: Any) -> Any:
    """pyHanko's PdfSigner signing at ``moment``."""
    return _fixed_time_signer()(metadata, signer, moment, **options)
