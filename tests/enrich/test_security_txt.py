"""The security.txt analyser (RFC 9116) on answers built here: fields, signatures, and each way a file fails."""

from __future__ import annotations

import datetime as dt

import pytest

from riskengine.enrich.http import Response
from riskengine.enrich.security_txt import SECURITY_TXT_BYTES, judge_security_txt, parse_security_txt

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
URL = "https://vendor.test/.well-known/security.txt"
TEXT = ("Content-Type", "text/plain; charset=utf-8")


def answer(body: bytes, *, status: int = 200, headers: tuple[tuple[str, str], ...] = (TEXT,),
           truncated: bool = False) -> Response:
    return Response(url=URL, address="192.0.2.1", status=status, reason="OK", version="HTTP/1.1", headers=headers,
                    body=body, truncated=truncated, certificate=None, tls_version="TLSv1.3",
                    cipher="TLS_AES_128_GCM_SHA256", elapsed=0.01)


def test_parser_unwraps_pgp_and_collects_fields() -> None:
    text = ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n# our policy\nContact: mailto:a@vendor.test\n"
            "Contact: https://vendor.test/report\nExpires: 2027-01-01T00:00:00.000Z\n- Policy: https://vendor.test/p\n"
            "-----BEGIN PGP SIGNATURE-----\nContact: mailto:forged@evil.test\n-----END PGP SIGNATURE-----\n")
    fields, problems = parse_security_txt(text)
    assert fields == {"contact": ["mailto:a@vendor.test", "https://vendor.test/report"],
                      "expires": "2027-01-01T00:00:00.000Z", "policy": ["https://vendor.test/p"]}
    assert problems == []
    _, problems = parse_security_txt("Contact: x\nExpires: 2027-01-01T00:00:00Z\nExpires: 2028-01-01T00:00:00Z\n")
    assert problems == ["Expires appears 2 times (at most once)"]


def test_parser_ignores_unknown_fields_comments_and_lines_without_a_colon() -> None:
    fields, problems = parse_security_txt("# Contact: mailto:commented@vendor.test\nX-Custom: 1\nno colon here\n"
                                          "CONTACT : mailto:s@vendor.test\n")
    assert fields == {"contact": ["mailto:s@vendor.test"]} and problems == []


def test_a_valid_file_passes_and_keeps_its_fields() -> None:
    verdict = judge_security_txt(answer(b"Contact: mailto:s@vendor.test\nContact: https://vendor.test/r\n"
                                        b"Expires: 2027-06-01T00:00:00Z\n"), NOW, 1_000_000)
    assert verdict.status == "pass"
    assert verdict.reason == "security.txt names 2 contacts and expires on 2027-06-01"
    assert verdict.fields == {"contact": ["mailto:s@vendor.test", "https://vendor.test/r"],
                              "expires": "2027-06-01T00:00:00Z"}


@pytest.mark.parametrize(("body", "problem"), [
    (b"Contact: mailto:s@vendor.test\nExpires: 2025-01-01T00:00:00Z\n", "it expired on 2025-01-01"),
    (b"Contact: mailto:s@vendor.test\n", "no Expires field"),
    (b"Expires: 2027-06-01T00:00:00Z\n", "no Contact field"),
    (b"Contact: mailto:s@vendor.test\nExpires: 2027-06-01T00:00:00\n", "Expires 2027-06-01T00:00:00 has no time zone"),
    (b"Contact: mailto:s@vendor.test\nExpires: next year\n", "Expires 'next year' is not an RFC 3339 date"),
    (b"Contact: a\nExpires: 2027-06-01T00:00:00Z\nExpires: 2028-06-01T00:00:00Z\n",
     "Expires appears 2 times (at most once)"),
])
def test_an_invalid_file_fails_with_each_problem(body: bytes, problem: str) -> None:
    verdict = judge_security_txt(answer(body), NOW, 1_000_000)
    assert verdict.status == "fail"
    assert verdict.reason.startswith("security.txt is not valid: ") and problem in verdict.reason


def test_an_answer_that_is_not_a_security_txt_fails_before_parsing() -> None:
    missing = judge_security_txt(answer(b"not found", status=404), NOW, 1_000_000)
    assert missing == ("fail", f"{URL} answered HTTP 404", None)
    html = judge_security_txt(answer(b"Contact: x", headers=(("Content-Type", "text/html"),)), NOW, 1_000_000)
    assert html == ("fail", f"{URL} is served as text/html, not text/plain (RFC 9116 section 3)", None)
    untyped = judge_security_txt(answer(b"Contact: x", headers=()), NOW, 1_000_000)
    assert untyped.reason == f"{URL} is served as no type, not text/plain (RFC 9116 section 3)"


def test_a_long_file_is_parsed_from_its_start_and_says_where_it_was_cut() -> None:
    head = b"Contact: mailto:s@vendor.test\nExpires: 2027-06-01T00:00:00Z\n"
    long = judge_security_txt(answer(head + b"#" * SECURITY_TXT_BYTES), NOW, 1_000_000)
    assert long.status == "pass" and long.reason.endswith("(file cut at 65,536 bytes for parsing)")
    capped = judge_security_txt(answer(head, truncated=True), NOW, 4_096)
    assert capped.reason.endswith("(file cut at 4,096 bytes)")
    # a Contact past the parsed part is not read
    late = judge_security_txt(answer(b"#" * SECURITY_TXT_BYTES + head), NOW, 1_000_000)
    assert late.status == "fail" and "no Contact field" in late.reason
