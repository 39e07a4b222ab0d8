"""Signed approvals: the report issued once the decision is final is signed with the organisation's key (PAdES) and
checked anywhere with only the public certificate; every way of tampering with it, or with the register, is caught
with its message and exit code (docs/signing.md).

One assessment (Northwind, assessed by the real command) is signed off by the three roles from the command line, IT
with its own key: the third sign-off issues the signed report. The tests tamper with copies of it."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from riskengine.register.approvals import SignOff, signoff_statement
from riskengine.register.store import Register
from riskengine.signing.check import check_signature, looks_signed
from riskengine.signing.keys import load_certificates, statement_problem
from tests.conftest import SAMPLES, run_cli
from tests.databases import tamper

ROLES = (("it", ("--key", "keys/ada-admin.key")), ("marketing", ("--by", "Mia Marketer")),
         ("compliance", ("--by", "Dana Ruiz", "--note", "DPA on file")))


class Issued:
    """The folder of the run: keys, riskengine.toml, the register, the signed report and the unsigned one."""

    def __init__(self, folder: Path, assessment_id: str) -> None:
        self.folder, self.assessment_id = folder, assessment_id
        self.db = folder / "riskengine.db"
        self.signed = folder / f"{assessment_id}-signed.pdf"
        self.certificate = folder / "keys" / "signing.crt"
        self.twin = folder / "twin-signed.pdf"
        """The same report signed from a copy of the register made before the final sign-off."""

    def data(self) -> bytes:
        return self.signed.read_bytes()


def _cli(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=folder, env={"RISKENGINE_DB": "", **(env or {})})


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Issued:
    folder = tmp_path_factory.mktemp("signed")
    for args in (("keys", "init", "--name", "Larkspur Outdoor Group"), ("keys", "init", "--user", "Ada Admin")):
        made = _cli(folder, *args)
        assert made.returncode == 0, made.stderr
    (folder / "riskengine.toml").write_text('db = "riskengine.db"\n\n[signing]\nkey = "keys/signing.key"\n'
                                            'certificate = "keys/signing.crt"\n')
    assessed = _cli(folder, "assess", str(SAMPLES / "northwind-mail.xlsx"), "--offline", "-o", "northwind.pdf",
                    "--inventory", str(SAMPLES / "inventory.yaml"), "--org", str(SAMPLES / "org-profile.yaml"))
    assert assessed.returncode == 0, assessed.stderr
    assessment_id = json.loads((folder / "northwind.json").read_text())["assessment_id"]
    made = Issued(folder, assessment_id)
    for role, args in ROLES[:2]:
        approved = _cli(folder, "approve", assessment_id, "--role", role, "--decision", "approve", *args)
        assert approved.returncode == 0, approved.stderr
    shutil.copy(made.db, folder / "twin.db")
    role, args = ROLES[2]
    final = _cli(folder, "approve", assessment_id, "--role", role, "--decision", "approve", *args)
    assert final.returncode == 0, final.stderr
    assert f"wrote {made.signed.name}: the approved report of {assessment_id}, signed by Larkspur Outdoor Group" \
        in final.stdout
    twin = _cli(folder, "approve", assessment_id, "--role", role, "--decision", "approve", *args, "--db", "twin.db",
                "--signed-pdf", made.twin.name)
    assert twin.returncode == 0, twin.stderr
    return made


def _verify(where: Path, report: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``riskengine verify`` in ``where``, a machine with no register unless one is named."""
    return run_cli("verify", str(report), "--config", os.devnull, *args, cwd=where,
                   env={"RISKENGINE_DB": "", "XDG_DATA_HOME": str(where / "data"), "HOME": str(where)})


def _clean_machine(tmp_path: Path, issued: Issued, data: bytes | None = None) -> tuple[Path, Path]:
    """A fresh folder holding only the public certificate and (a copy of) the signed report."""
    machine = tmp_path / "elsewhere"
    machine.mkdir()
    shutil.copy(issued.certificate, machine / "larkspur.crt")
    report = machine / "report.pdf"
    report.write_bytes(issued.data() if data is None else data)
    return machine, report


# --- keys ---------------------------------------------------------------------------------------------------------

def test_keys_init_writes_a_private_key_only_its_owner_reads_and_never_replaces_one(issued: Issued) -> None:
    key = issued.folder / "keys" / "signing.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((issued.folder / "keys" / "ada-admin.key").stat().st_mode) == 0o600
    before = key.read_bytes()
    again = _cli(issued.folder, "keys", "init", "--name", "Mallory Ltd")
    assert again.returncode == 2
    assert again.stderr == ("error: keys/signing.key exists already: a key is never replaced (reports signed "
                            "with it must stay verifiable); move it away first, or use another --dir\n")
    assert key.read_bytes() == before
    assert not (issued.folder / "keys" / "signing.crt.tmp").exists()
    certificate = load_certificates(issued.certificate)[0]
    assert certificate.subject.rfc4514_string() == "O=Larkspur Outdoor Group,CN=Larkspur Outdoor Group"


def test_keys_init_needs_a_name_or_a_user(tmp_path: Path) -> None:
    result = _cli(tmp_path, "keys", "init")
    assert result.returncode == 2
    assert "keys init takes --name ORG (the organisation's signing key) or --user NAME" in result.stderr
    assert not (tmp_path / "keys").exists()


# --- the signed report on a clean machine -------------------------------------------------------------------------

def test_a_signed_report_verifies_on_a_clean_machine_with_only_the_certificate(issued: Issued, tmp_path: Path) -> None:
    machine, report = _clean_machine(tmp_path, issued)
    result = _verify(machine, report, "--cert", "larkspur.crt")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{report}: verified: signed by Larkspur Outdoor Group on 2026-11-24T09:00:00+00:00"
    assert lines[1].startswith("  signer     Larkspur Outdoor Group, certificate SHA-256 ")
    assert f"  report     {issued.assessment_id} of Northwind Mailworks B.V. (northwindmail.example), for full" \
        in lines
    assert any(line.startswith("  outcome    approved (final since 2026-11-24 09:00Z); decision approve with "
                               "conditions, tier low, residual 19.2/100") for line in lines)
    signoffs = [line for line in lines if line.startswith("  sign-off")]
    assert signoffs[0].startswith("  sign-off   it         approve Ada Admin, 2026-11-24 (own key, certificate ")
    assert signoffs[0].endswith(", signature valid)")
    assert signoffs[1] == ("  sign-off   marketing  approve Mia Marketer, 2026-11-24 (name typed on the command "
                           "line: not proven)")
    assert any(line.startswith("  input      questionnaire northwind-mail.xlsx") for line in lines)
    assert lines[-1] == "  register   none here: the signature stands on its own"
    assert not (machine / "data").exists(), "verify made no register on a machine that has none"


def test_a_fresh_register_does_not_hold_it_and_the_signature_stands(issued: Issued, tmp_path: Path) -> None:
    machine, report = _clean_machine(tmp_path, issued)
    result = _verify(machine, report, "--cert", "larkspur.crt", "--db", str(machine / "fresh.db"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"  register   {machine / 'fresh.db'} does not hold {issued.assessment_id} (a fresh register, or another "
        "machine's): the signature stands on its own")


def test_the_register_that_issued_it_agrees(issued: Issued) -> None:
    result = run_cli("verify", issued.signed.name, cwd=issued.folder, env={"RISKENGINE_DB": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith(f"  register   {issued.db}: agrees; records intact (")
    assert result.stdout.splitlines()[-1].endswith("; this signed file is recorded")


def test_verify_json_says_the_same_for_machines(issued: Issued, tmp_path: Path) -> None:
    machine, report = _clean_machine(tmp_path, issued)
    result = _verify(machine, report, "--cert", "larkspur.crt", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["kind"], answer["outcome"], answer["exit_code"], answer["register"]) == ("signed", "verified", 0,
                                                                                           None)
    signature = answer["signature"]
    assert signature["signer"] == "Larkspur Outdoor Group"
    assert signature["record"]["assessment_id"] == issued.assessment_id
    assert signature["record"]["status"] == "approved"
    assert [(s["role"], s["proof"], s["proven"]) for s in signature["signoffs"]] == [
        ("it", "key", True), ("marketing", "name", False), ("compliance", "name", False)]
    assert {item["role"] for item in signature["record"]["inputs"]} >= {"questionnaire", "inventory", "policy"}


def test_without_a_certificate_to_trust_the_signature_is_intact_but_untrusted(issued: Issued, tmp_path: Path) -> None:
    machine, report = _clean_machine(tmp_path, issued)
    result = _verify(machine, report)
    assert result.returncode == 8
    assert result.stderr.startswith(f"{report}: NOT VERIFIED: UNTRUSTED: intact and signed by Larkspur Outdoor "
                                    "Group (certificate SHA-256 ")
    assert "but no certificate was given to trust: pass --cert" in result.stderr
    assert "Traceback" not in result.stderr


# --- tampering with the PDF ---------------------------------------------------------------------------------------

def _flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] = ord("1") if changed[at] != ord("1") else ord("2")
    return bytes(changed)


def _places(data: bytes) -> dict[str, int]:
    """Where to flip a byte: in the signed content, in the signature itself and in its padding, in the byte range,
    in the approval record, at the end."""
    byte_range = data.index(b"/ByteRange")
    contents = data.rindex(b"/Contents <", 0, byte_range) + len(b"/Contents <")
    return {"header": 2, "page content": 2000, "middle": len(data) // 2, "approval record":
            data.index(b"/EmbeddedFile") + 300, "signature certificate": contents + 400,
            "signature value": contents + 5800, "signature padding": contents + 8000,
            "byte range": byte_range + 15, "last byte": len(data) - 1}


@pytest.mark.parametrize(("place", "reason"), [
    ("header", "the file is damaged: it cannot be read as the PDF that was signed"),
    ("page content", "CHANGED after signing: the signed content no longer matches the signature's digest"),
    ("middle", "CHANGED after signing: the signed content no longer matches the signature's digest"),
    ("approval record", "CHANGED after signing: the signed content no longer matches the signature's digest"),
    ("signature certificate", "CHANGED after signing: the signature's container was altered"),
    ("signature value", "CHANGED after signing: the signature's own bytes were altered"),
    ("signature padding", "CHANGED after signing: a byte of the signature's placeholder (after the signature "
                          "itself) was altered"),
    ("byte range", "CHANGED after signing: the signature's placeholder or its byte range was altered"),
    ("last byte", "CHANGED after signing: the signed content no longer matches the signature's digest"),
])
def test_one_flipped_byte_anywhere_is_caught_with_exit_7(issued: Issued, tmp_path: Path, place: str,
                                                          reason: str) -> None:
    data = issued.data()
    machine, report = _clean_machine(tmp_path, issued, _flip(data, _places(data)[place]))
    result = _verify(machine, report, "--cert", "larkspur.crt")
    assert result.returncode == 7, result.stdout
    assert result.stderr.startswith(f"{report}: NOT VERIFIED: {reason}"), result.stderr


def test_every_byte_of_the_signature_container_is_covered(issued: Issued) -> None:
    """Not only the digest's bytes: a flip anywhere in the signature's hex (certificates, versions, signer info,
    the signature value, the zeros after it) is caught, here every 23rd character of the placeholder."""
    data = issued.data()
    trusted = load_certificates(issued.certificate)
    start = data.rindex(b"/Contents <", 0, data.index(b"/ByteRange")) + len(b"/Contents <")
    end = data.index(b">", start)
    missed = [offset for offset in range(0, end - start, 23)
              if check_signature("r.pdf", _flip(data, start + offset), trusted).outcome != "changed"]
    assert missed == []


def test_a_signature_cut_off_is_not_signed_exit_6(issued: Issued, tmp_path: Path) -> None:
    data = issued.data()
    before = data[:data.index(b"%%EOF") + len(b"%%EOF\n")]  # the report as rendered, before the signature's update
    machine, report = _clean_machine(tmp_path, issued, before)
    assert looks_signed(before)  # its keyword says it was to be signed
    result = _verify(machine, report, "--cert", "larkspur.crt")
    assert result.returncode == 6
    assert result.stderr == (f"{report}: NOT VERIFIED: NOT SIGNED: the report was rendered to be issued signed, but "
                             "carries no signature: it was cut off (the file is the part before it)\n")


def test_an_unsigned_report_given_a_certificate_is_not_signed_exit_6(issued: Issued, tmp_path: Path) -> None:
    machine, report = _clean_machine(tmp_path, issued, (issued.folder / "northwind.pdf").read_bytes())
    result = _verify(machine, report, "--cert", "larkspur.crt")
    assert result.returncode == 6
    assert "NOT SIGNED: the file holds no riskengine signature" in result.stderr


def test_an_incremental_update_appended_after_signing_is_caught_exit_7(issued: Issued, tmp_path: Path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(issued.data()), strict=False)
    writer.root["/Lang"] = generic.TextStringObject("fr")
    writer.update_root()
    updated = io.BytesIO()
    writer.write(updated)
    added = len(updated.getvalue()) - len(issued.data())
    machine, report = _clean_machine(tmp_path, issued, updated.getvalue())
    result = _verify(machine, report, "--cert", "larkspur.crt")
    assert result.returncode == 7
    assert result.stderr.startswith(
        f"{report}: NOT VERIFIED: CHANGED after signing: {added:,} bytes were added after the signature (an "
        f"incremental update: the signature covers the first {len(issued.data()):,} bytes only)")


def test_a_report_signed_with_another_key_is_untrusted_exit_8(issued: Issued, tmp_path: Path) -> None:
    other = tmp_path / "other"
    made = _cli(issued.folder, "keys", "init", "--name", "Larkspur Outdoor Group", "--dir", str(other))
    assert made.returncode == 0, made.stderr
    forged = tmp_path / "forged.pdf"
    signed = _cli(issued.folder, "sign", issued.assessment_id, "-o", str(forged), "--db", str(issued.folder /
                  "twin.db"), env={"RISKENGINE_SIGNING_KEY": str(other / "signing.key"),
                                   "RISKENGINE_SIGNING_CERTIFICATE": str(other / "signing.crt")})
    assert signed.returncode == 0, signed.stderr
    machine, report = _clean_machine(tmp_path, issued, forged.read_bytes())
    result = _verify(machine, report, "--cert", "larkspur.crt")
    assert result.returncode == 8
    assert result.stderr.startswith(f"{report}: NOT VERIFIED: UNTRUSTED: signed with another key: Larkspur "
                                    "Outdoor Group (certificate SHA-256 ")
    assert "not by the certificate trusted: Larkspur Outdoor Group (" in result.stderr


# --- tampering with the register ----------------------------------------------------------------------------------

def test_a_register_with_a_sign_off_rewritten_disagrees_exit_4(issued: Issued, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(issued.db, copy)
    tamper(copy, "UPDATE signoffs SET signed_by = 'Mallory' WHERE role = 'marketing'")
    result = run_cli("verify", str(issued.signed), "--db", str(copy), "--cert", str(issued.certificate),
                     cwd=tmp_path)
    assert result.returncode == 4, result.stdout
    errors = result.stderr.splitlines()
    assert errors[0] == f"{issued.signed}: NOT VERIFIED: the register {copy} disagrees with the signed report:"
    assert errors[1].startswith("  register   the register was altered: signoffs #2 of "
                                f"{issued.assessment_id}, chain record ")
    assert "changed since it was recorded: signed_by (now 'Mallory')" in errors[1]
    assert "  register   marketing sign-off: the signed report says signed_by 'Mia Marketer', the register " \
           "'Mallory'" in errors


def test_a_register_with_a_report_hash_rewritten_is_caught_and_the_changed_pdf_too(issued: Issued,
                                                                                   tmp_path: Path) -> None:
    """The issue's case: a copy of the register, triggers dropped, the signed report's hash rewritten to a tampered
    PDF's. The tampered PDF fails on its signature; the genuine one, beside that register, on the register."""
    data = issued.data()
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(_flip(data, 2000))
    copy = tmp_path / "copy.db"
    shutil.copy(issued.db, copy)
    from riskengine.digest import file_sha256

    tamper(copy, "UPDATE outputs SET sha256 = :new WHERE sha256 = :old",
           parameters={"new": file_sha256(tampered), "old": file_sha256(issued.signed)})
    changed = run_cli("verify", str(tampered), "--db", str(copy), "--cert", str(issued.certificate), cwd=tmp_path)
    assert changed.returncode == 7
    assert "CHANGED after signing: the signed content no longer matches" in changed.stderr
    genuine = run_cli("verify", str(issued.signed), "--db", str(copy), "--cert", str(issued.certificate),
                      cwd=tmp_path)
    assert genuine.returncode == 4
    assert "the register was altered: outputs" in genuine.stderr
    assert "changed since it was recorded: sha256" in genuine.stderr or "does not hold" in genuine.stderr \
        or "not in the chain" in genuine.stderr


def test_a_register_rewritten_with_its_chain_recomputed_no_longer_holds_the_signed_head(issued: Issued,
                                                                                       tmp_path: Path) -> None:
    """A writer who recomputes the chain after a change leaves it intact, but the head the signed report keeps is
    gone from it."""
    from riskengine.register.chain import CHAINED_TABLES, GENESIS, canonical, field_digests, link

    copy = tmp_path / "copy.db"
    shutil.copy(issued.db, copy)
    tamper(copy, "UPDATE signoffs SET note = 'no DPA' WHERE role = 'compliance'")
    import sqlite3

    with sqlite3.connect(copy) as connection:  # recompute every chain record, as a careful forger would
        head = GENESIS
        for seq, table_name, key in connection.execute("SELECT seq, record_table, record_key FROM chain ORDER BY seq"
                                                       ).fetchall():
            table = CHAINED_TABLES[table_name]
            values = connection.execute(f"{table.select()} WHERE {table.key} = ?",
                                        (table.key_parameter(key),)).fetchone()
            head = link(head, canonical(table, values))
            connection.execute("DROP TRIGGER IF EXISTS chain_is_final_update")
            connection.execute("UPDATE chain SET hash = ?, fields = ? WHERE seq = ?",
                               (head, field_digests(values), seq))
    with Register(copy) as register:
        assert register.check_chain().intact
    result = run_cli("verify", str(issued.signed), "--db", str(copy), "--cert", str(issued.certificate),
                     cwd=tmp_path)
    assert result.returncode == 4
    assert "is no longer in the chain: it was rewritten since" in result.stderr
    assert "compliance sign-off: the signed report says note 'DPA on file', the register 'no DPA'" in result.stderr


# --- sign-offs, proofs, determinism -------------------------------------------------------------------------------

def test_the_register_keeps_who_made_each_sign_off(issued: Issued) -> None:
    with Register(issued.db) as register:
        signoffs = register.signoffs(issued.assessment_id)
        assert register.check_chain().intact
    it = signoffs[0]
    assert it.proof is not None and it.proof.method == "key" and it.signed_by == "Ada Admin"
    assert statement_problem(it.proof.certificate, it.proof.subject, it.signed_by, signoff_statement(it),
                             it.proof.signature) is None
    changed = SignOff(**{**{field: getattr(it, field) for field in SignOff.__slots__}, "note": "forged"})
    assert statement_problem(it.proof.certificate, it.proof.subject, it.signed_by, signoff_statement(changed),
                             it.proof.signature) == ("the user's signature does not match the sign-off as listed "
                                                     "(changed after it was signed)")
    assert [signoff.proof for signoff in signoffs[1:]] == [None, None]


def test_a_key_naming_someone_else_than_by_is_refused(issued: Issued, tmp_path: Path) -> None:
    result = _cli(issued.folder, "approve", issued.assessment_id, "--role", "it", "--decision", "approve", "--key",
                  "keys/ada-admin.key", "--by", "Mallory", "--db", str(tmp_path / "empty.db"))
    assert result.returncode == 2
    assert result.stderr == ("error: --by 'Mallory' is not who the key keys/ada-admin.key names ('Ada Admin'): leave "
                             "--by out with --key\n")


def test_with_a_fixed_clock_the_signed_report_is_byte_identical(issued: Issued) -> None:
    """The same register state, key and SOURCE_DATE_EPOCH: RSA PKCS#1 v1.5 and a fixed signing time give the
    same bytes (the twin was signed from a copy of the register made before the final sign-off)."""
    assert issued.twin.read_bytes() == issued.data()


# --- an RFC 3161 timestamp from a service on 127.0.0.1 ------------------------------------------------------------

class _TimestampService:
    """An RFC 3161 service on 127.0.0.1: pyHanko's own test TSA (``DummyTimeStamper``) answering over real HTTP,
    with a certificate made here for time-stamping; ``failing`` makes it answer 500."""

    def __init__(self, folder: Path) -> None:
        import datetime as dt
        import http.server
        import threading

        from asn1crypto import keys as asn1_keys
        from asn1crypto import tsp
        from asn1crypto import x509 as asn1_x509
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA on 127.0.0.1")])
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                       .serial_number(7).not_valid_before(start).not_valid_after(start + dt.timedelta(days=3650))
                       .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                       .sign(key, hashes.SHA256()))
        self.certificate = folder / "tsa.crt"
        self.certificate.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
            fixed_dt=dt.datetime(2026, 11, 24, 9, 0, 5, tzinfo=dt.UTC))
        service = self
        self.failing = False
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                service.requests += 1
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                if service.failing:
                    self.send_response(500)
                    self.end_headers()
                    return
                answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                self.send_response(200)
                self.send_header("content-type", "application/timestamp-reply")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsr"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def timestamp_service(tmp_path: Path) -> object:
    service = _TimestampService(tmp_path)
    yield service
    service.close()


def test_a_signature_time_stamped_by_a_local_rfc_3161_service_verifies(issued: Issued, tmp_path: Path,
                                                                       timestamp_service: _TimestampService) -> None:
    stamped = tmp_path / "stamped.pdf"
    signed = _cli(issued.folder, "sign", issued.assessment_id, "-o", str(stamped), "--db", "twin.db",
                  env={"RISKENGINE_SIGNING_TIMESTAMP_URL": timestamp_service.url})
    assert signed.returncode == 0, signed.stderr
    assert "signed by Larkspur Outdoor Group and time-stamped" in signed.stdout
    assert timestamp_service.requests >= 1
    machine, report = _clean_machine(tmp_path, issued, stamped.read_bytes())
    shutil.copy(timestamp_service.certificate, machine / "tsa.crt")
    result = _verify(machine, report, "--cert", "larkspur.crt", "--cert", "tsa.crt")
    assert result.returncode == 0, result.stderr
    assert "  timestamp  2026-11-24T09:00:05+00:00 by Test TSA on 127.0.0.1 (trusted)" in result.stdout
    untrusted_tsa = _verify(machine, report, "--cert", "larkspur.crt")
    assert untrusted_tsa.returncode == 0, untrusted_tsa.stderr
    assert ("  timestamp  2026-11-24T09:00:05+00:00 by Test TSA on 127.0.0.1 (not checked against a certificate you "
            "trust)") in untrusted_tsa.stdout


def test_a_failing_timestamp_service_is_a_clear_error_and_nothing_is_written(
        issued: Issued, tmp_path: Path, timestamp_service: _TimestampService) -> None:
    timestamp_service.failing = True
    stamped = tmp_path / "stamped.pdf"
    signed = _cli(issued.folder, "sign", issued.assessment_id, "-o", str(stamped), "--db", "twin.db",
                  env={"RISKENGINE_SIGNING_TIMESTAMP_URL": timestamp_service.url})
    assert signed.returncode == 2
    assert signed.stderr.startswith(f"error: could not sign the report of {issued.assessment_id}: the timestamp "
                                    f"service {timestamp_service.url}: "), signed.stderr
    assert not stamped.exists()
