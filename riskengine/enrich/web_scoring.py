"""The web score's data: ``scoring/web-observatory.yaml`` (the MDN HTTP Observatory's modifiers, each cited, and the
thresholds of the ``web.*`` checks) and the Observatory's two-round scoring over a set of test outcomes.

Pure: the judging functions of ``riskengine.enrich.headers`` and ``riskengine.enrich.tls`` take the loaded
``WebScoring`` as a parameter, so a caller decides where it comes from (the shipped file, an override).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from riskengine.datafile import load_yaml_model
from riskengine.resources import data_path

__all__ = ["DEFAULT_SCORING", "JUDGEMENT", "OUTCOMES", "ScoreModifier", "ScoreNumber", "ScoreWords", "WebScoring",
           "load_web_scoring", "observatory_score"]

DEFAULT_SCORING = "web-observatory.yaml"
JUDGEMENT = "riskengine judgement"

OUTCOMES: dict[str, tuple[str, ...]] = {
    "content-security-policy": (
        "csp-implemented-with-no-unsafe-default-src-none", "csp-implemented-with-no-unsafe",
        "csp-implemented-with-unsafe-inline-in-style-src-only",
        "csp-implemented-with-insecure-scheme-in-passive-content-only", "csp-implemented-with-unsafe-eval",
        "csp-implemented-with-unsafe-inline", "csp-implemented-with-insecure-scheme", "csp-header-invalid",
        "csp-not-implemented"),
    "cookies": (
        "cookies-secure-with-httponly-sessions-and-samesite", "cookies-secure-with-httponly-sessions",
        "cookies-not-found", "cookies-without-secure-flag-but-protected-by-hsts",
        "cookies-session-without-secure-flag-but-protected-by-hsts", "cookies-without-secure-flag",
        "cookies-samesite-flag-invalid", "cookies-anticsrf-without-samesite-flag",
        "cookies-session-without-httponly-flag", "cookies-session-without-secure-flag"),
    "cross-origin-resource-policy": (
        "corp-implemented-with-same-origin", "corp-implemented-with-same-site", "corp-implemented-with-cross-origin",
        "corp-not-implemented", "corp-header-invalid"),
    "redirection": (
        "redirection-to-https", "redirection-not-needed-no-http", "redirection-off-host-from-http",
        "redirection-not-to-https-on-initial-redirection", "redirection-not-to-https", "redirection-missing",
        "redirection-invalid-cert"),
    "referrer-policy": (
        "referrer-policy-private", "referrer-policy-not-implemented", "referrer-policy-unsafe",
        "referrer-policy-header-invalid"),
    "strict-transport-security": (
        "hsts-implemented-max-age-at-least-six-months", "hsts-implemented-max-age-less-than-six-months",
        "hsts-not-implemented", "hsts-header-invalid", "hsts-not-implemented-no-https"),
    "x-content-type-options": (
        "x-content-type-options-nosniff", "x-content-type-options-not-implemented",
        "x-content-type-options-header-invalid"),
    "x-frame-options": (
        "x-frame-options-implemented-via-csp", "x-frame-options-sameorigin-or-deny",
        "x-frame-options-allow-from-origin", "x-frame-options-not-implemented", "x-frame-options-header-invalid"),
}
"""Every Observatory outcome this module can reach, per test; the YAML must price each one, and no other."""


class _Cited(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    """Where the figure comes from: an https:// citation, or ``riskengine judgement``."""

    @field_validator("source")
    @classmethod
    def _cited(cls, value: str) -> str:
        if value != JUDGEMENT and not value.startswith("https://"):
            raise ValueError(f"expected an https:// citation or {JUDGEMENT!r}, got {value!r}")
        return value


class ScoreNumber(_Cited):
    value: int


class ScoreWords(_Cited):
    value: tuple[str, ...]


class ScoreModifier(_Cited):
    modifier: int
    description: str


class WebScoring(BaseModel):
    """``scoring/web-observatory.yaml``: the Observatory's modifiers and the thresholds of the ``web.*`` checks."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    baseline: ScoreNumber
    bonus_minimum: ScoreNumber
    maximum: ScoreNumber
    pass_score: ScoreNumber
    hsts_min_max_age: ScoreNumber
    certificate_min_days: ScoreNumber
    session_cookie_markers: ScoreWords
    csrf_cookie_markers: ScoreWords
    tests: dict[str, dict[str, ScoreModifier]]

    @model_validator(mode="after")
    def _prices_every_outcome(self) -> WebScoring:
        problems: list[str] = []
        for test, outcomes in OUTCOMES.items():
            given = self.tests.get(test)
            if given is None:
                problems.append(f"tests.{test} is missing")
                continue
            missing = [outcome for outcome in outcomes if outcome not in given]
            unexpected = sorted(set(given) - set(outcomes))
            if missing:
                problems.append(f"tests.{test} lacks {', '.join(missing)}")
            if unexpected:
                problems.append(f"tests.{test} has outcomes riskengine never reaches: {', '.join(unexpected)}")
        for test in sorted(set(self.tests) - set(OUTCOMES)):
            problems.append(f"tests.{test} is not a test riskengine runs (expected one of {', '.join(OUTCOMES)})")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def modifier(self, test: str, outcome: str) -> int:
        return self.tests[test][outcome].modifier


@functools.lru_cache(maxsize=8)
def load_web_scoring(path: Path | None = None) -> WebScoring:
    """The web score's modifiers and the checks' thresholds: ``scoring/web-observatory.yaml`` unless ``path``."""
    return load_yaml_model(path or data_path("scoring", DEFAULT_SCORING), WebScoring)


def observatory_score(outcomes: Mapping[str, str], scoring: WebScoring) -> tuple[int, list[str]]:
    """The score of a set of Observatory outcomes (test -> outcome), and the modifiers that moved it.

    The Observatory's two rounds: penalties from the baseline, then the bonuses only when the result is at
    least ``bonus_minimum``; the result is kept within 0 and ``maximum``.
    """
    modifiers = sorted(((scoring.modifier(test, outcome), outcome) for test, outcome in outcomes.items()),
                       key=lambda item: (item[0], item[1]))
    score = scoring.baseline.value + sum(value for value, _ in modifiers if value < 0)
    with_bonus = score >= scoring.bonus_minimum.value
    if with_bonus:
        score += sum(value for value, _ in modifiers if value > 0)
    applied = [f"{outcome} {value:+d}" for value, outcome in modifiers if value < 0 or (value > 0 and with_bonus)]
    if not with_bonus and any(value > 0 for value, _ in modifiers):
        applied.append(f"bonuses withheld below {scoring.bonus_minimum.value}")
    return max(0, min(scoring.maximum.value, score)), applied
