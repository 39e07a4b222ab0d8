"""Scoring benchmark: 1,000 questionnaires already parsed (facts built), scored with the default profile.

The facts vary: each questionnaire is one of the three samples with a random share of its answers flipped,
so the what-if search does real work. Target: under 1 s for all 1,000 (the median of five passes, as the
other benchmarks take medians: one pass on this shared machine varies by a fifth).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNT = 1_000
PASSES = 5


def main() -> int:
    from riskengine.facts import Fact, FactSet
    from riskengine.questionnaire.bank import load_bank
    from riskengine.questionnaire.reader import read_submission
    from riskengine.questionnaire.submission import answer_facts
    from riskengine.score.engine import derive_facts, score
    from riskengine.score.profile import load_profile

    bank, profile = load_bank(), load_profile()
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
        fact_sets.append(derive_facts(FactSet().with_facts(*facts), profile))
    passes = []
    for _ in range(PASSES):
        started = time.perf_counter()
        decisions: dict[str, int] = {}
        for facts in fact_sets:
            result, _ = score(facts, profile, today=today)
            decisions[result.decision] = decisions.get(result.decision, 0) + 1
        passes.append(time.perf_counter() - started)
    seconds = statistics.median(passes)
    ok = seconds < 1.0
    spread = ", ".join(f"{count} {name}" for name, count in sorted(decisions.items()))
    print(f"{'score 1,000 parsed questionnaires incl. what-if (' + spread + ')':<100} {seconds:>7.3f}s "
          f"target 1.00s  {'ok' if ok else 'MISSED'}  (median of {PASSES} passes, "
          f"{min(passes):.3f}-{max(passes):.3f}s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
