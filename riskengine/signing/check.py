"""Is this signed report what riskengine issued, and does the register (when there is one) agree? ``verify``.

``check_signature`` needs nothing but the file and the certificates to trust (the organisation's public
certificate, or the CA that issued it): it works on any machine. It finds riskengine's PAdES signature, has
pyHanko check that the signature holds over every byte of the file (no byte changed, nothing appended after it),
that the signature's own bytes are untouched (the padding of its placeholder included), and who signed; then reads
the approval record the signature covers and checks it against itself (the sign-offs make the status it claims;
each sign-off made with a user's key carries a valid signature by that key).

``compare_with_register`` then sets the record beside a register, when one is at hand: the same sign-offs, the
same JSON result, the assessment's records intact in the hash chain, and the chain head recorded when the report
was signed still in the chain (a register rewritten since no longer holds it).

Outcomes, each a distinct exit code of ``riskengine verify`` (``riskengine.cli.errors``):

    verified      the signature holds, by a trusted certificate, over the whole file, and the record is consistent
    not_signed    no signature: never signed, or the signature was removed (the record left behind says so)
    changed       the file was changed after signing: a byte of the signed content or of the signature, bytes
                  appended (an incremental update), or a record that contradicts itself; or it is too damaged to read
    untrusted     the signature holds, but by a certificate that is not one trusted (another key), or none was given
"""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from riskengine.register.approvals import approval_status, signoff_statement
from riskengine.signing.record import RECORD_NAME, ApprovalRecord
from riskengine.signing.seal import SIGNATURE_FIELD

if TYPE_CHECKING:
    from pathlib import Path

    from cryptography.x509 import Certificate

    from riskengine.register.store import Register

SignatureOutcome = Literal["verified", "not_signed", "changed", "untrusted"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SignOffCheck(_Frozen):
    """One sign-off the record lists, and whether who made it is proven."""

    role: str
    decision: str
    signed_by: str
    signed_at: str
    proof: str
    """``account`` (the web app's user ``subject``), ``key`` (the user's key, ``subject`` its certificate's
    fingerprint), ``name`` (typed on the command line: not proven)."""
    subject: str
    proven: bool
    problem: str | None = None


class SignatureCheck(_Frozen):
    """What the file alone says: the signature, who signed and when, and the approval record it covers."""

    path: str
    sha256: str
    outcome: SignatureOutcome
    message: str
    """One sentence: why the outcome (``signed by ... on ...``, or what is wrong)."""
    signer: str | None = None
    signer_fingerprint: str | None = None
    signed_at: str | None = None
    """The signing time the signer gives (ISO); with a timestamp, ``timestamp`` is the proven one."""
    timestamp: str | None = None
    timestamp_authority: str | None = None
    timestamp_trusted: bool | None = None
    record: ApprovalRecord | None = None
    signoffs: tuple[SignOffCheck, ...] = ()


class RegisterComparison(_Frozen):
    """What a register says of the signed report's assessment, beside the record."""

    location: str
    """The register compared with: its file, or its URL without the password."""
    known: bool
    """Whether the register holds the assessment at all (a fresh register, or another machine's, does not)."""
    agrees: bool
    problems: tuple[str, ...] = ()
    """Where the register and the signed record disagree, or the register was altered; empty when they agree."""
    chain: str = ""
    """The chain check of the assessment's records: ``intact (...)`` or ``altered: ...``."""
    recorded_output: bool = False
    """Whether the register recorded this very signed file."""


MAX_REPORT_BYTES = 200_000_000
"""A report is a few MB (40 pages with charts: 0.2 MB); a file past this is not one, and is not read."""


def read_report(path: Path) -> bytes:
    """The bytes of the report at ``path``: a regular file (a pipe or a device is refused, ``UnreadableFileError``)
    no larger than ``MAX_REPORT_BYTES`` (``UsageError``)."""
    from riskengine.runfiles import require_regular_file

    require_regular_file(path)
    size = path.stat().st_size
    if size > MAX_REPORT_BYTES:
        from riskengine.errors import UsageError

        raise UsageError(f"{path}: {size:,} bytes is not a riskengine report (the limit is {MAX_REPORT_BYTES:,})")
    with path.open("rb") as file:
        return file.read(MAX_REPORT_BYTES + 1)


def looks_signed(data: bytes) -> bool:
    """Whether ``data`` claims a signature or riskengine's approval record: what sends ``verify`` here rather
    than to the register's record of unsigned reports."""
    return b"/ByteRange" in data or SIGNATURE_FIELD.encode() in data


def check_signature(path: str, data: bytes, trusted: list[Certificate]) -> SignatureCheck:
    """Check the signed report ``data`` (read from ``path``) against the certificates ``trusted``.

    Never raises for what the file holds: every problem is an outcome with its message.
    """
    from riskengine.signing.keys import common_name, fingerprint

    sha256 = hashlib.sha256(data).hexdigest()

    def outcome(kind: SignatureOutcome, message: str, **found: Any) -> SignatureCheck:
        return SignatureCheck(path=path, sha256=sha256, outcome=kind, message=message, **found)

    try:
        reader = _reader(data)
        signatures = {signature.field_name: signature for signature in reader.embedded_signatures}
    except Exception as exc:  # a damaged file: pyHanko's parse errors are many
        return outcome("changed", f"the file is damaged: it cannot be read as the PDF that was signed "
                                  f"({type(exc).__name__}: {_short(exc)})")
    signature = signatures.get(SIGNATURE_FIELD)
    if signature is None:
        if _attached_record(reader) is not None or b"/ByteRange" in data:
            return outcome("not_signed", "NOT SIGNED: the file carries riskengine's approval record but no "
                                         "signature: the signature was removed")
        if SIGNATURE_FIELD.encode() in data:
            return outcome("not_signed", "NOT SIGNED: the report was rendered to be issued signed, but carries no "
                                         "signature: it was cut off (the file is the part before it)")
        return outcome("not_signed", "NOT SIGNED: the file holds no riskengine signature (a report issued signed "
                                     "has one; this may be a copy taken before signing, or its signature was "
                                     "removed)")
    padding = _padding_problem(signature, data) or _container_problem(signature, trusted)
    if padding is not None:
        return outcome("changed", padding)
    try:
        status = _validate(signature, trusted)
    except Exception as exc:
        return outcome("changed", f"the signature cannot be checked: it was damaged ({type(exc).__name__}: "
                                  f"{_short(exc)})")
    from cryptography import x509

    signer_certificate = x509.load_der_x509_certificate(status.signing_cert.dump())
    signer, signer_fingerprint = common_name(signer_certificate), fingerprint(signer_certificate)
    signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else None
    found: dict[str, Any] = {"signer": signer, "signer_fingerprint": signer_fingerprint, "signed_at": signed_at}
    timestamp = status.timestamp_validity
    if timestamp is not None:
        from cryptography import x509 as crypto_x509

        authority = crypto_x509.load_der_x509_certificate(timestamp.signing_cert.dump())
        found.update(timestamp=timestamp.timestamp.isoformat(), timestamp_authority=common_name(authority),
                     timestamp_trusted=bool(timestamp.trusted and timestamp.intact and timestamp.valid))
        if not (timestamp.intact and timestamp.valid):
            return outcome("changed", "CHANGED: the signature's timestamp token does not hold", **found)
    if not status.intact:
        return outcome("changed", "CHANGED after signing: the signed content no longer matches the signature's "
                                  "digest (a byte of the file was altered)", **found)
    if not status.valid:
        return outcome("changed", "CHANGED after signing: the signature's own bytes were altered (it no longer "
                                  "verifies with the signer's key)", **found)
    coverage = status.coverage.name if status.coverage is not None else "NONE"
    if coverage != "ENTIRE_FILE":
        ranges = [int(value) for value in signature.byte_range]
        signed_end = ranges[2] + ranges[3] if len(ranges) == 4 else 0
        return outcome("changed", f"CHANGED after signing: {len(data) - signed_end:,} bytes were added after the "
                                  f"signature (an incremental update: the signature covers the first "
                                  f"{signed_end:,} bytes only)", **found)
    record, problem = _record(reader)
    if record is None:
        return outcome("changed", f"CHANGED: {problem}", **found)
    checks = tuple(_signoff_check(record, item) for item in record.signoffs)
    found.update(record=record, signoffs=checks)
    inconsistent = _inconsistency(reader, record, checks)
    if inconsistent is not None:
        return outcome("changed", f"CHANGED: {inconsistent}", **found)
    trusted_fingerprints = {fingerprint(certificate) for certificate in trusted}
    if signer_fingerprint not in trusted_fingerprints and any(
            _public_key(certificate) == _public_key(signer_certificate) for certificate in trusted):
        return outcome("changed", "CHANGED after signing: the certificate inside the signature was altered (it holds "
                                  "the trusted key, but is no longer the trusted certificate)", **found)
    if signer_fingerprint not in trusted_fingerprints and not status.trusted:
        if not trusted:
            return outcome("untrusted", f"UNTRUSTED: intact and signed by {signer} (certificate SHA-256 "
                                        f"{signer_fingerprint}), but no certificate was given to trust: pass "
                                        "--cert with your organisation's certificate (or set "
                                        "signing.certificate in riskengine.toml)", **found)
        names = ", ".join(f"{common_name(c)} ({fingerprint(c)[:16]}…)" for c in trusted)
        return outcome("untrusted", f"UNTRUSTED: signed with another key: {signer} (certificate SHA-256 "
                                    f"{signer_fingerprint}), not by the certificate trusted: {names}", **found)
    return outcome("verified", f"signed by {signer} on {signed_at or 'an unknown date'}", **found)


def _public_key(certificate: Certificate) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def _reader(data: bytes) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=False)


def _validate(signature: Any, trusted: list[Certificate]) -> Any:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = [asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER)) for certificate in trusted]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    return validate_pdf_signature(signature, context)


def _padding_problem(signature: Any, data: bytes) -> str | None:
    """The signature's placeholder (``<hex>``, the one gap in the signed ranges) holds the CMS object and then
    zeros. It is outside the signed ranges by design, so it is checked here: exactly the hex of what a reader
    decodes (a character that is no hex digit would be skipped), and nothing but zeros after the CMS object."""
    from asn1crypto import parser

    contents = bytes(signature.sig_object.get("/Contents", b""))
    ranges = [int(value) for value in signature.byte_range]
    if len(ranges) != 4:
        return "CHANGED: the signature's byte range is not one riskengine wrote"
    gap = data[ranges[0] + ranges[1]:ranges[2]]
    if gap.lower() != b"<" + contents.hex().encode("ascii") + b">":
        return "CHANGED after signing: the signature's placeholder or its byte range was altered"
    try:
        _, _, _, header, body, _ = parser.parse(contents)  # the CMS object's own length, from its DER header
        used = len(header) + len(body)
    except Exception as exc:
        return f"CHANGED: the signature's bytes were altered and no longer parse ({type(exc).__name__})"
    if len(contents) < used:
        return "CHANGED: the signature's bytes were altered (shorter than the signature they hold)"
    if contents[used:].strip(b"\x00"):
        return "CHANGED after signing: a byte of the signature's placeholder (after the signature itself) was altered"
    return None


def _container_problem(signature: Any, trusted: list[Certificate]) -> str | None:
    """The parts of the signature's CMS container the signature itself does not cover, as riskengine writes them:
    one signer identified by issuer and serial (version 1), the digest algorithm listed once as the signer's, the
    signer's certificate the one its signed attributes name (ESS signing-certificate-v2), every certificate carried
    signed by its issuer, and no unsigned attribute but a timestamp token. A byte changed there is otherwise left
    unseen by the signature's check (RFC 5652 section 5: the certificates and unsigned attributes are outside
    what is signed)."""
    from cryptography import x509

    altered = "CHANGED after signing: the signature's container was altered"
    try:
        signed_data = signature.signed_data
        signers = signed_data["signer_infos"]
        if signed_data["version"].native != "v1" or len(signers) != 1 or signers[0]["version"].native != "v1":
            return f"{altered} (its version or its signers)"
        signer_info = signers[0]
        algorithms = signed_data["digest_algorithms"]
        if len(algorithms) != 1 or algorithms[0].dump() != signer_info["digest_algorithm"].dump():
            return f"{altered} (its digest algorithms)"
        unsigned = signer_info["unsigned_attrs"]
        if unsigned.native is not None and any(attribute["type"].native != "signature_time_stamp_token"
                                               for attribute in unsigned):
            return f"{altered} (an unsigned attribute)"
        if signed_data["crls"].native is not None:
            return f"{altered} (revocation lists)"
        carried = [x509.load_der_x509_certificate(choice.chosen.dump()) for choice in signed_data["certificates"]]
        essential = [attribute for attribute in signer_info["signed_attrs"]
                     if attribute["type"].native == "signing_certificate_v2"]
        named = essential[0]["values"][0]["certs"][0]["cert_hash"].native if essential else None
        if named is None or signature.signer_cert.sha256 != named:
            return f"{altered} (the signer's certificate is not the one the signature names)"
    except Exception as exc:  # asn1crypto's and cryptography's parse errors
        return f"{altered} and no longer parses ({type(exc).__name__})"
    issuers = [*carried, *trusted]
    for certificate in carried:
        if not any(_issued_by(certificate, issuer) for issuer in issuers):
            subject = certificate.subject.rfc4514_string()
            return f"{altered}: a certificate inside it ({subject}) is not signed by its issuer"
    return None


def _issued_by(certificate: Certificate, issuer: Certificate) -> bool:
    try:
        certificate.verify_directly_issued_by(issuer)
    except Exception:  # InvalidSignature, ValueError or TypeError: a name or a key type that does not match
        return False
    return True


def _attached_record(reader: Any) -> bytes | None:
    """The approval record's bytes attached to the document, if it has one."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except (KeyError, TypeError, AttributeError):
        return None
    for index in range(0, len(names) - 1, 2):
        if str(names[index]) == RECORD_NAME:
            data: bytes = names[index + 1].get_object()["/EF"]["/F"].get_object().data
            return data
    return None


def _record(reader: Any) -> tuple[ApprovalRecord | None, str]:
    try:
        data = _attached_record(reader)
    except Exception as exc:
        return None, f"the approval record cannot be read ({type(exc).__name__}: {_short(exc)})"
    if data is None:
        return None, f"the signed file holds no approval record ({RECORD_NAME}): riskengine did not issue it"
    try:
        return ApprovalRecord.model_validate_json(data), ""
    except ValidationError as exc:
        return None, f"the approval record is not one riskengine wrote ({exc.errors()[0]['msg']})"


def _signoff_check(record: ApprovalRecord, item: object) -> SignOffCheck:
    from riskengine.signing.keys import statement_problem
    from riskengine.signing.record import RecordedSignOff

    assert isinstance(item, RecordedSignOff)
    problem = None
    if item.proof == "key":
        problem = statement_problem(item.certificate, item.subject, item.signed_by,
                                    signoff_statement(item.as_signoff(record.assessment_id)), item.signature)
    return SignOffCheck(role=item.role, decision=item.decision, signed_by=item.signed_by, signed_at=item.signed_at,
                        proof=item.proof, subject=item.subject, proven=item.proof != "name" and problem is None,
                        problem=problem)


def _inconsistency(reader: Any, record: ApprovalRecord, checks: tuple[SignOffCheck, ...]) -> str | None:
    """What in the record contradicts itself or the document, or None."""
    status = approval_status([item.as_signoff(record.assessment_id) for item in record.signoffs])
    if status != record.status:
        return f"the record says {record.status}, but the sign-offs it lists make it {status}"
    for check in checks:
        if check.problem is not None:
            return f"the {check.role} sign-off by {check.signed_by}: {check.problem}"
    try:
        subject = str(reader.trailer["/Info"]["/Subject"])
    except (KeyError, TypeError, AttributeError):
        subject = ""
    if record.assessment_id not in subject:
        return f"the record is of {record.assessment_id}, but the document is {subject or 'of no assessment'}"
    return None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:157] + "..."


def compare_with_register(check: SignatureCheck, register: Register) -> RegisterComparison:
    """The register beside the signed record ``check`` read: agreeing, or each place they disagree."""
    record = check.record
    if record is None:
        raise ValueError("compare only a report whose approval record was read")
    name = str(register.path)
    if not register.known_assessment(record.assessment_id):
        return RegisterComparison(location=name, known=False, agrees=True)
    problems: list[str] = []
    chain = register.check_records([record.assessment_id])
    if not chain.intact:
        problems.append(f"the register was altered: {chain.problem}")
    whole = register.check_chain(record.register_head)  # the head kept inside the signed report
    if whole.problem is not None and str(whole.problem) != str(chain.problem):
        problems.append(f"the register was altered: {whole.problem}")
    listed = {item.role: item for item in record.signoffs}
    held = {signoff.role: signoff for signoff in register.signoffs(record.assessment_id)}
    for role in sorted(set(listed) | set(held)):
        signed, kept = listed.get(role), held.get(role)
        if signed is None:
            problems.append(f"the register holds a {role} sign-off ({kept.decision if kept else ''} by "
                            f"{kept.signed_by if kept else ''}) that the signed report does not list")
            continue
        if kept is None:
            problems.append(f"the signed report lists a {role} sign-off ({signed.decision} by {signed.signed_by}) "
                            "that the register does not hold")
            continue
        mine = signed.as_signoff(record.assessment_id)
        for field in ("decision", "signed_by", "signed_at", "note", "report_sha256"):
            if getattr(mine, field) != getattr(kept, field):
                problems.append(f"{role} sign-off: the signed report says {field} {getattr(mine, field)!r}, the "
                                f"register {getattr(kept, field)!r}")
        kept_proof = (kept.proof.method, kept.proof.subject) if kept.proof else ("name", "")
        if kept_proof != (signed.proof, signed.subject):
            problems.append(f"{role} sign-off: the signed report says it was made by {signed.proof} "
                            f"{signed.subject}, the register by {kept_proof[0]} {kept_proof[1]}")
    try:
        result = hashlib.sha256(register.result(record.assessment_id)).hexdigest()
    except Exception as exc:  # a result row gone or unreadable: the chain names it
        result = f"unreadable ({type(exc).__name__})"
    if result != record.result_sha256:
        problems.append(f"the register's JSON result of {record.assessment_id} has sha256 {result}, the signed "
                        f"report {record.result_sha256}")
    output = register.output(check.sha256)
    return RegisterComparison(location=name, known=True, agrees=not problems, problems=tuple(problems),
                              chain=chain.status, recorded_output=output is not None)
