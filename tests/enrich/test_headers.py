"""The header analyser on answers built here: each check's verdict and Observatory outcome, the redirection of
http://DOMAIN/, and the score under the scoring it is given. The servers on 127.0.0.1 run the same cases through
the transport in test_conformance_headers.py and test_web.py."""

from __future__ import annotations

import pytest

from riskengine.enrich.headers import judge_headers
from riskengine.enrich.http import Fetch, FetchFailed, Response
from riskengine.enrich.web_scoring import load_web_scoring

HOME = "https://vendor.test/"
PLAIN = "http://vendor.test/"
GOOD = (
    ("Content-Type", "text/html"),
    ("Strict-Transport-Security", "max-age=31536000"),
    ("Content-Security-Policy", "default-src 'none'; script-src 'self'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Set-Cookie", "session=1; Secure; HttpOnly; SameSite=Strict"),
)


def answer(url: str, headers: tuple[tuple[str, str], ...] = (), status: int = 200) -> Response:
    return Response(url=url, address="192.0.2.1", status=status, reason="OK", version="HTTP/1.1", headers=headers,
                    body=b"", truncated=False, certificate=None, tls_version=None, cipher=None, elapsed=0.01)


def followed(*responses: Response, failure: FetchFailed | None = None) -> Fetch:
    start = responses[0].url if responses else PLAIN
    return Fetch(start=start, responses=responses, addresses=("192.0.2.1",) * max(1, len(responses)),
                 failure=failure, body_limit=1_000_000)


REDIRECTED = followed(answer(PLAIN, (("Location", HOME),), 301), answer(HOME, GOOD))


def test_a_well_kept_site_passes_every_header_check_and_scores_its_bonuses() -> None:
    verdicts = judge_headers(followed(answer(HOME, GOOD)), REDIRECTED, load_web_scoring())
    for finding in (verdicts.hsts, verdicts.csp, verdicts.frame_protection, verdicts.nosniff,
                    verdicts.referrer_policy, verdicts.cookies_secure):
        assert finding.status == "pass", finding
    assert verdicts.hsts.value == 31_536_000 and verdicts.referrer_policy.value == "no-referrer"
    assert verdicts.csp.outcome == "csp-implemented-with-no-unsafe-default-src-none"
    assert verdicts.frame_protection.outcome == "x-frame-options-implemented-via-csp"
    assert verdicts.score.status == "pass" and verdicts.score.value == 100  # capped at the maximum
    assert "redirection-to-https" not in verdicts.score.reason  # worth 0: not listed
    assert "csp-implemented-with-no-unsafe-default-src-none +10" in verdicts.score.reason


def test_a_bare_site_fails_each_check_with_its_outcome() -> None:
    plain = followed(answer(PLAIN, (("Content-Type", "text/html"),)))
    verdicts = judge_headers(followed(answer(HOME, (("Set-Cookie", "sessionid=1"),))), plain, load_web_scoring())
    assert verdicts.hsts == ("hsts-not-implemented", "fail", "no Strict-Transport-Security header", False)
    assert verdicts.csp.outcome == "csp-not-implemented" and verdicts.csp.status == "fail"
    assert verdicts.nosniff.outcome == "x-content-type-options-not-implemented"
    assert verdicts.referrer_policy.outcome == "referrer-policy-not-implemented"
    assert verdicts.cookies_secure.outcome == "cookies-session-without-secure-flag"
    assert verdicts.cookies_secure.reason == ("cookie flags missing: sessionid lacks Secure; sessionid is a session "
                                              "cookie without HttpOnly; sessionid lacks SameSite")
    assert verdicts.score == ("", "fail", verdicts.score.reason, 0)
    assert "redirection-missing -20" in verdicts.score.reason


def test_hsts_does_not_apply_to_a_home_page_that_ends_on_plain_http() -> None:
    home = followed(answer(HOME, (("Location", PLAIN),), 302), answer(PLAIN, GOOD))
    verdicts = judge_headers(home, REDIRECTED, load_web_scoring())
    assert verdicts.hsts.outcome == "hsts-not-implemented-no-https"
    assert verdicts.hsts.reason == f"the home page ends on plain HTTP ({PLAIN}), where HSTS does not apply"
    assert verdicts.cookies_secure.reason.startswith("cookie flags missing: session lacks Secure")


@pytest.mark.parametrize(("plain", "scored"), [
    (followed(answer(PLAIN, (("Location", "http://www.vendor.test/"),), 301), answer("http://www.vendor.test/")),
     "redirection-not-to-https -20"),
    (followed(answer(PLAIN, (("Location", "https://elsewhere.test/"),), 301), answer("https://elsewhere.test/")),
     "redirection-off-host-from-http -5"),
    (followed(answer(PLAIN, (("Location", HOME),), 301),
              failure=FetchFailed("certificate", f"the certificate of {HOME} was refused: expired")),
     "redirection-invalid-cert -20"),
    (followed(failure=FetchFailed("network", f"{PLAIN}: connection refused by vendor.test (port 80)")), None),
])
def test_redirection_is_scored_as_the_observatory_scores_it(plain: Fetch, scored: str | None) -> None:
    verdicts = judge_headers(followed(answer(HOME, GOOD)), plain, load_web_scoring())
    if scored is None:  # no plain HTTP at all: redirection-not-needed-no-http is worth nothing
        assert "redirection" not in verdicts.score.reason
    else:
        assert scored in verdicts.score.reason


def test_a_plain_fetch_refused_by_the_guard_is_not_scored_and_says_why() -> None:
    refused = followed(failure=FetchFailed("address", f"{PLAIN} refused: 10.0.0.1 is not a public address (private)"))
    verdicts = judge_headers(followed(answer(HOME, GOOD)), refused, load_web_scoring())
    assert verdicts.score.reason.endswith(
        f"; redirection not scored ({PLAIN} refused: 10.0.0.1 is not a public address (private))")


def test_the_scoring_passed_in_is_the_one_applied() -> None:
    scoring = load_web_scoring()
    strict = scoring.model_copy(update={"pass_score": scoring.pass_score.model_copy(update={"value": 140}),
                                        "hsts_min_max_age": scoring.hsts_min_max_age.model_copy(
                                            update={"value": 63_072_000})})
    verdicts = judge_headers(followed(answer(HOME, GOOD)), REDIRECTED, strict)
    assert verdicts.hsts.status == "fail" and "is under 63072000 s" in verdicts.hsts.reason
    assert verdicts.score.status == "fail"


def test_a_home_page_without_an_answer_cannot_be_judged() -> None:
    failed = followed(failure=FetchFailed("timeout", f"{HOME} did not answer in time"))
    with pytest.raises(ValueError, match="no answer to judge"):
        judge_headers(failed, REDIRECTED, load_web_scoring())
