"""TCO benchmarks: the Monte Carlo of both options, and a FAIR-style model against pyfair.

1. 100,000 trials x 5 years, both options, with everything the report reads off them (percentiles, bands,
   breakeven, the deterministic line, the sensitivity ranking), for the GlowUp sample: under 0.25 s.
2. A FAIR-style model, loss event frequency PERT(0.1, 0.5, 2) a year x loss magnitude PERT(10,000, 50,000,
   500,000), 100,000 trials, in our engine (named streams, inverse-transform PERT) and in pyfair (FairModel
   with "Loss Event Frequency" and "Loss Magnitude"): ours at least 2x faster. pyfair is installed by
   ``make bench`` (the ``bench`` extra); without it that line says skipped and why.

Each figure is the median of RUNS timed runs after one warm-up run.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
TRIALS = 100_000
TCO_TARGET = 0.25
RATIO_TARGET = 2.0
FREQUENCY = (0.1, 0.5, 2.0)
MAGNITUDE = (10_000.0, 50_000.0, 500_000.0)


def median_seconds(work: Callable[[], Any], runs: int = RUNS) -> tuple[float, Any]:
    result = work()  # warm-up: imports, caches
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def line(name: str, value: str, target: str, ok: bool | None) -> None:
    verdict = "" if ok is None else "ok" if ok else "MISSED"
    print(f"{name:<70} {value:>10} {target:>14}  {verdict}")


def tco_inputs_for_glowup() -> Any:
    from riskengine.organisation import load_org_profile
    from riskengine.pipeline import assess
    from riskengine.questionnaire.bank import load_bank
    from riskengine.questionnaire.reader import read_submission
    from riskengine.tco.assumptions import load_assumptions
    from riskengine.tco.inputs import tco_inputs

    now = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)
    questionnaire = SAMPLES / "glowup-loyalty.xlsx"
    assessment = assess(questionnaire, now=now, inventory=SAMPLES / "inventory.yaml",
                        org_profile=SAMPLES / "org-profile.yaml", tco_trials=1)
    organisation = load_org_profile(SAMPLES / "org-profile.yaml").model_copy(update={"horizon_years": 5})
    submission = read_submission(questionnaire, load_bank(), today=now.date())
    return tco_inputs(submission, load_bank(), assessment.risk, organisation, load_assumptions(), assessment.graph)


def ours_fair() -> float:
    from riskengine.tco.sampling import Streams

    streams = Streams(2026)
    frequency = streams.pert("fair.loss_event_frequency", TRIALS, *FREQUENCY)
    magnitude = streams.pert("fair.loss_magnitude", TRIALS, *MAGNITUDE)
    return float((frequency * magnitude).mean())


def pyfair_fair() -> float:
    from pyfair import FairModel

    model = FairModel(name="benchmark", n_simulations=TRIALS, random_seed=2026)
    model.input_data("Loss Event Frequency", low=FREQUENCY[0], mode=FREQUENCY[1], high=FREQUENCY[2])
    model.input_data("Loss Magnitude", low=MAGNITUDE[0], mode=MAGNITUDE[1], high=MAGNITUDE[2])
    model.calculate_all()
    return float(model.export_results()["Risk"].mean())


def main() -> int:
    from riskengine.tco.assumptions import load_assumptions
    from riskengine.tco.simulation import total_cost_of_ownership

    failed = False
    inputs, assumptions = tco_inputs_for_glowup(), load_assumptions()
    seconds, result = median_seconds(lambda: total_cost_of_ownership(inputs, assumptions, trials=TRIALS))
    ok = seconds < TCO_TARGET
    failed |= not ok
    line(f"tco: {TRIALS:,} trials x {result.horizon_years} years, both options (GlowUp sample)",
         f"{seconds:.3f}s", f"target {TCO_TARGET:.2f}s", ok)

    ours, our_mean = median_seconds(ours_fair)
    line(f"fair-style freq x magnitude, {TRIALS:,} trials: riskengine (mean {our_mean:,.0f})",
         f"{ours:.4f}s", "", None)
    try:
        import pyfair  # noqa: F401
    except Exception as exc:  # any failure to import is reported, not raised: the line is skipped
        line(f"fair-style freq x magnitude, {TRIALS:,} trials: pyfair", "skipped", "", None)
        print(f"  pyfair cannot be imported on Python {sys.version.split()[0]}: {type(exc).__name__}: {exc} "
              "(install it with: pip install '.[bench]')")
        return 1 if failed else 0
    theirs, their_mean = median_seconds(pyfair_fair)
    line(f"fair-style freq x magnitude, {TRIALS:,} trials: pyfair (mean {their_mean:,.0f})",
         f"{theirs:.4f}s", "", None)
    ratio = theirs / ours
    ok = ratio >= RATIO_TARGET
    failed |= not ok
    line("fair-style speed-up: pyfair time / riskengine time", f"{ratio:.1f}x", f"target {RATIO_TARGET:.1f}x", ok)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
