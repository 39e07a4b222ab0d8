"""Scoring benchmark: 1,000 questionnaires already parsed (facts built), scored with the default profile.

The facts vary: each questionnaire is one of the three samples with a random share of its answers flipped, so
knockouts, missing answers and the what-if search all do real work. Each what-if route is scored again from the
changed answers before it is listed, so one scoring is several evaluations.

Target: 1,000 in under 4 s of CPU (4 ms each: under 2 % of the batch's 250 ms per vendor). Each pass is cold
(``measure.py``): riskengine's caches are emptied and the profile is loaded anew inside the timed pass, so the
numbers it works out once per process (its ``cached_property`` scales and fixers) are paid once per pass of
1,000, as a batch worker pays them once. The median of five passes, wall and CPU time, beside an anchor: a fixed
pure-Python workload timed in the same passes, so that a slow spell of this shared machine shows as a slow
anchor, not as a slow engine.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

from measure import Figure, measure, report

ROOT = Path(__file__).resolve().parent.parent
COUNT = 1_000
PASSES = 5
TARGET_CPU = 4.0


def _anchor() -> None:
    """A fixed workload of the kind scoring does (dicts, tuples, small objects), independent of riskengine."""
    rng = random.Random(3)
    table = {f"key-{index}": rng.random() for index in range(2_000)}
    for _ in range(60):
        sorted(((value, key) for key, value in table.items()), reverse=True)


def main() -> int:
    from riskengine.facts import Fact, FactSet
    from riskengine.pipeline import fact_catalogue
    from riskengine.questionnaire.bank import load_bank
    from riskengine.questionnaire.reader import read_submission
    from riskengine.questionnaire.submission import answer_facts
    from riskengine.score.engine import assessment_date_fact, derive_facts, score
    from riskengine.score.profile import load_profile

    bank, catalogue = load_bank(), fact_catalogue()
    profile = load_profile(bank=bank, facts=catalogue)
    today = dt.date(2026, 11, 24)
    bases = [answer_facts(read_submission(ROOT / "samples" / f"{name}.xlsx", bank, today=today))
             for name in ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")]
    rng = random.Random(11)
    fact_sets = []
    for index in range(COUNT):
        facts = []
        for fact in bases[index % 3]:
            if fact.value in ("Yes", "No", "Partial") and rng.random() < 0.15:
                fact = Fact(name=fact.name, value=rng.choice(["Yes", "No", "Partial", "N/A"]), sources=fact.sources)
            facts.append(fact)
        # As the pipeline does: the assessment's date, then the derived facts.
        fact_sets.append(derive_facts(FactSet().with_facts(*facts, assessment_date_fact(today)), profile))

    def score_all() -> dict[str, int]:
        scoring_profile = load_profile(bank=bank, facts=catalogue)
        decisions: dict[str, int] = {}
        for facts in fact_sets:
            result, _ = score(facts, scoring_profile, today=today)
            decisions[result.decision] = decisions.get(result.decision, 0) + 1
        return decisions

    timing, decisions = measure(score_all, _anchor, PASSES)
    spread = ", ".join(f"{count} {name}" for name, count in sorted(decisions.items()))
    print(f"scoring: {COUNT:,} fact sets, what-if verified; decisions {spread}; median of {PASSES} passes, CPU "
          f"{timing.cpu_range[0]:.3f}-{timing.cpu_range[1]:.3f} s")
    return report([Figure.timed(f"score {COUNT:,} parsed questionnaires incl. verified what-if", timing, TARGET_CPU,
                                on="cpu")])


if __name__ == "__main__":
    sys.exit(main())
