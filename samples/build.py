"""Rebuild the sample questionnaires (samples/*.xlsx) from their answer files (samples/answers/*.yaml).

The answer files are the readable source (``answers``, ``comments`` for the Comments column, ``tables``); the
workbooks are what a vendor would send back. Run
``make samples`` after changing either the answers or the question bank.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from riskengine.questionnaire.bank import load_bank
from riskengine.questionnaire.template import write_template

HERE = Path(__file__).resolve().parent
STAMP = dt.datetime(2026, 11, 20, 9, 0, 0)


def main() -> None:
    bank = load_bank()
    for source in sorted((HERE / "answers").glob("*.yaml")):
        content = yaml.safe_load(source.read_text(encoding="utf-8"))
        target = HERE / f"{source.stem}.xlsx"
        write_template(bank, target, answers=content.get("answers", {}), tables=content.get("tables", {}),
                       comments=content.get("comments", {}), now=STAMP)
        print(f"wrote {target.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
