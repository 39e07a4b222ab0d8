"""TCO benchmarks: the Monte Carlo of both options, the assessments that run it, and a FAIR-style model against pyfair.

1. 100,000 trials x 5 years, both options, with everything the report reads off them (headline, percentiles,
   bands, loss exceedance curves, the most-likely line, the sensitivity ranking by re-simulation), for the GlowUp
   sample (eight connections, customer-facing systems: every scenario runs): under 0.25 s. Each pass builds the
   TCO inputs from the read questionnaire and runs the simulation with new streams.
2. ``assess`` of each of the three samples (inventory, org profile, no network) with the adaptive trial count:
   under 2 s each. Each pass reads the files, loads the policy data and scores and prices from scratch.
3. A FAIR-style model, loss event frequency PERT(0.1, 0.5, 2) a year x loss magnitude PERT(10,000, 50,000,
   500,000), 100,000 trials, the same numbers of draws on both sides, each pass from scratch:
   - riskengine: two named streams (seeded through SHA-256 of the name), 100,000 uniform numbers each, two PERT
     quantile tables of 4,097 points worked out, the values by inverse transform, their product and its mean;
   - pyfair: a new ``FairModel`` with "Loss Event Frequency" and "Loss Magnitude", ``calculate_all`` (100,000
     beta-PERT draws for each, their product as Risk, all kept in a pandas frame) and the mean of Risk.
   Target: pyfair's wall time at least twice ours. pyfair is installed by ``make bench`` (the ``bench`` extra);
   without it that figure is reported as not measured, and why.

Every pass is cold (``measure.py``): each riskengine cache is emptied before it, so no figure times a result
served from a cache an earlier pass filled (issue #19: the first figure once timed PERT tables an ``lru_cache``
served after a warm-up, 0.07 ms cached against 63 ms built). Each figure is the median of
PASSES passes, wall and CPU time, beside an anchor: a fixed numpy workload of the kind the Monte Carlo does
(uniform numbers, table look-ups, a sort), timed in the same passes.
"""

from __future__ import annotations

import os

# The Monte Carlo is element-wise numpy; BLAS threads only add start-up and contention on a shared machine. The
# caps must be set before numpy is first imported.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import datetime as dt  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from measure import SAMPLE_NAMES, Figure, measure, report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PASSES = int(os.environ.get("BENCH_RUNS", "7"))
TRIALS = 100_000
YEARS = 5
TCO_TARGET = 0.25
ASSESS_TARGET = 2.0
RATIO_TARGET = 2.0
FREQUENCY = (0.1, 0.5, 2.0)
MAGNITUDE = (10_000.0, 50_000.0, 500_000.0)
NOW = dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC)


def _anchor() -> None:
    """A fixed numpy workload independent of riskengine: uniforms, two table look-ups, a sort."""
    import numpy as np

    generator = np.random.default_rng(3)
    table = np.linspace(0.0, 1.0, 4097)
    for _ in range(10):
        uniform = generator.random(100_000)
        index = (uniform * 4096).astype(np.intp)
        np.sort(table.take(index) + uniform * table.take(index))


def glowup_parts() -> tuple[Any, Any, Any, Any]:
    """The GlowUp sample read and scored once: what ``tco_inputs`` needs (building the inputs is timed)."""
    from riskengine.organisation import load_org_profile
    from riskengine.pipeline import assess
    from riskengine.questionnaire.bank import load_bank
    from riskengine.questionnaire.reader import read_submission

    questionnaire = SAMPLES / "glowup-loyalty.xlsx"
    assessment = assess(questionnaire, now=NOW, inventory=SAMPLES / "inventory.yaml",
                        org_profile=SAMPLES / "org-profile.yaml", tco_trials=1)
    organisation = load_org_profile(SAMPLES / "org-profile.yaml").model_copy(update={"horizon_years": YEARS})
    submission = read_submission(questionnaire, load_bank(), today=NOW.date())
    return submission, assessment, organisation, load_bank()


def ours_fair() -> float:
    from riskengine.tco.sampling import Pert, Streams

    streams = Streams(2026)
    frequency = Pert(*FREQUENCY).values(streams.uniform("fair.loss_event_frequency", TRIALS))
    magnitude = Pert(*MAGNITUDE).values(streams.uniform("fair.loss_magnitude", TRIALS))
    return float((frequency * magnitude).mean())


def pyfair_fair() -> float:
    from pyfair import FairModel

    model = FairModel(name="benchmark", n_simulations=TRIALS, random_seed=2026)
    model.input_data("Loss Event Frequency", low=FREQUENCY[0], mode=FREQUENCY[1], high=FREQUENCY[2])
    model.input_data("Loss Magnitude", low=MAGNITUDE[0], mode=MAGNITUDE[1], high=MAGNITUDE[2])
    model.calculate_all()
    return float(model.export_results()["Risk"].mean())


def main() -> int:
    from riskengine.pipeline import assess
    from riskengine.tco.assumptions import load_assumptions
    from riskengine.tco.inputs import tco_inputs
    from riskengine.tco.simulation import total_cost_of_ownership

    submission, assessment, organisation, bank = glowup_parts()
    assumptions = load_assumptions()

    def price() -> Any:
        inputs = tco_inputs(submission, bank, assessment.risk, organisation, assumptions, assessment.graph)
        return total_cost_of_ownership(inputs, assumptions, trials=TRIALS)

    timing, result = measure(price, _anchor, PASSES)
    figures = [Figure.timed(f"tco {TRIALS:,} trials x {result.horizon_years} y, both options, tornado "
                            f"{result.tornado.trials:,} x {len(result.tornado.rows)} (GlowUp)", timing, TCO_TARGET)]
    for name in SAMPLE_NAMES:
        timing, done = measure(lambda name=name: assess(  # type: ignore[misc]
            SAMPLES / f"{name}.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml",
            org_profile=SAMPLES / "org-profile.yaml"), _anchor, max(3, PASSES // 2))
        figures.append(Figure.timed(f"assess {name} ({done.tco.trials:,} trials, {done.tco.precision.stopped})",
                                    timing, ASSESS_TARGET))

    ours, our_mean = measure(ours_fair, _anchor, PASSES)
    notes = [f"fair-style, {TRIALS:,} trials: riskengine {ours.wall * 1000:.1f} ms wall, {ours.cpu * 1000:.1f} ms "
             f"CPU (mean loss {our_mean:,.0f})"]
    try:
        import pyfair  # noqa: F401
    except Exception as exc:  # any failure to import is reported, not raised: the comparison is not measured
        notes.append(f"fair-style speed-up against pyfair: not measured; pyfair cannot be imported on Python "
                     f"{sys.version.split()[0]}: {type(exc).__name__}: {exc} (install it with: pip install "
                     "'.[bench]')")
    else:
        theirs, their_mean = measure(pyfair_fair, _anchor, PASSES)
        notes.append(f"fair-style, {TRIALS:,} trials: pyfair {theirs.wall * 1000:.1f} ms wall, "
                     f"{theirs.cpu * 1000:.1f} ms CPU (mean loss {their_mean:,.0f})")
        figures.append(Figure("fair-style speed-up: pyfair wall / riskengine wall", theirs.wall / ours.wall, "x",
                              RATIO_TARGET, higher_is_better=True, wall=ours.wall, cpu=ours.cpu,
                              anchor=ours.anchor))
    code = report(figures)
    print("\n".join(notes))
    return code


if __name__ == "__main__":
    sys.exit(main())
