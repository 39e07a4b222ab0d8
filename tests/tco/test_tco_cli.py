"""``riskengine tco`` end to end, in child processes: the printed figures are the JSON's, a bad offers file is
exit 2 with its lines, and nothing lands on an input."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from riskengine.report.charts import money
from tests.conftest import ROOT, SAMPLES, run_cli

QUESTIONNAIRE = SAMPLES / "northwind-mail.xlsx"
OFFERS = SAMPLES / "northwind-offers.yaml"
PLACE = ("--inventory", str(SAMPLES / "inventory.yaml"), "--org", str(SAMPLES / "org-profile.yaml"), "--offline")
ROW = re.compile(r"^  (?P<offer>.+?)\s{2,}(?P<style>built to last|good enough)\s+(?P<expected>[A-Z]{3} [\d,]+)\s+"
                 r"(?P<typical>[A-Z]{3} [\d,]+)\s+(?P<loss>[A-Z]{3} [\d,]+)\s+(?P<cheapest>[\d.]+) %$")
"""One printed row: offer, style, expected cost, typical cost, expected loss a year, how often the cheapest."""


def _rows(stdout: str) -> list[tuple[str, ...]]:
    return [tuple(match.groupdict().values()) for line in stdout.splitlines() if (match := ROW.match(line))]


def _amount(currency: str, value: float) -> str:
    return f"{currency} {money(value)}"


def _percent(value: float) -> str:
    return f"{value * 100:.1f}"


def _tco(tmp_path: Path, *extra: str) -> Any:
    return run_cli("tco", str(QUESTIONNAIRE), *PLACE, *extra, timeout=120)


@pytest.fixture(scope="module")
def offers_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("tco")
    result = _tco(out, "--offer", str(OFFERS), "-o", str(out / "offers.pdf"), "--json", str(out / "offers.json"))
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_the_printed_offers_are_the_json_figures(offers_run: tuple[Path, str]) -> None:
    out, stdout = offers_run
    comparison = json.loads((out / "offers.json").read_text())
    currency = comparison["currency"]
    priced = {item["offer"]["id"]: item for item in comparison["offers"]}
    expected = []
    for entry in comparison["ranking"]:  # lowest expected total first, as printed
        offer = priced[entry["offer_id"]]
        option = next(option for option in offer["result"]["headline"]["options"] if option["id"] == entry["option"])
        assert option["expected_total"] == entry["expected_total"]  # the offer's headline is the comparison's figure
        expected.append((offer["offer"]["title"], entry["option"].replace("_", " "),
                         _amount(currency, entry["expected_total"]), _amount(currency, option["typical_total"]),
                         _amount(currency, option["expected_annual_loss"]),
                         _percent(entry["probability_cheapest"]["value"])))
    assert _rows(stdout) == expected
    assert len(expected) == 4  # two plans x two adoption styles
    assert comparison["recommendation"] in stdout.splitlines()
    assert f"present value over {comparison['horizon_years']} years ({currency}, risk included)" in stdout
    assert f"the mean over {comparison['trials']:,} simulated futures" in stdout
    assert stdout.splitlines()[-1] == f"wrote {out / 'offers.pdf'} and {out / 'offers.json'}"


def test_the_offers_pdf_is_one_page_with_the_same_figures(offers_run: tuple[Path, str]) -> None:
    out, _ = offers_run
    comparison = json.loads((out / "offers.json").read_text())
    reader = PdfReader(out / "offers.pdf")
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for entry in comparison["ranking"]:
        assert _amount(comparison["currency"], entry["expected_total"]) in text
        assert f"in {_percent(entry['probability_cheapest']['value'])} % of futures" in text
    assert " ".join(comparison["recommendation"].split()) in text
    assert "Diamonds: the typical (median) future's cost" in text


def test_the_same_run_gives_the_same_bytes_and_replaces_its_own_outputs(offers_run: tuple[Path, str]) -> None:
    out, stdout = offers_run
    before = {name: (out / name).read_bytes() for name in ("offers.pdf", "offers.json")}
    again = _tco(out, "--offer", str(OFFERS), "-o", str(out / "offers.pdf"), "--json", str(out / "offers.json"))
    assert again.returncode == 0, again.stderr  # the files are recognised as riskengine's: no --force needed
    assert again.stdout == stdout
    assert {name: (out / name).read_bytes() for name in before} == before


def test_without_offers_it_prices_the_quote_from_the_assessments_headline(tmp_path: Path) -> None:
    result = _tco(tmp_path, "--json", str(tmp_path / "tco.json"))
    assert result.returncode == 0, result.stderr
    priced = run_cli("assess", str(QUESTIONNAIRE), *PLACE, "-o", str(tmp_path / "report.pdf"),
                     "--json", str(tmp_path / "report.json"))
    assert priced.returncode == 0, priced.stderr
    headline = json.loads((tmp_path / "tco.json").read_text())["headline"]
    assert headline == json.loads((tmp_path / "report.json").read_text())["tco"]["headline"]  # the report's figures
    currency = headline["currency"]
    chances = {"built_to_last": headline["probability_built_to_last_cheaper"]["value"]}
    chances["good_enough"] = round(1 - chances["built_to_last"], 4)
    options = sorted(headline["options"], key=lambda option: option["expected_total"])  # lowest first, as printed
    assert _rows(result.stdout) == [
        ("As quoted in the questionnaire", option["id"].replace("_", " "), _amount(currency, option["expected_total"]),
         _amount(currency, option["typical_total"]), _amount(currency, option["expected_annual_loss"]),
         _percent(chances[option["id"]])) for option in options]
    assert headline["recommendation"] in result.stdout.splitlines()
    assert "the questionnaire's quote in both adoption styles" in result.stdout


def test_a_bad_offers_file_is_exit_2_with_its_lines_and_nothing_written(tmp_path: Path) -> None:
    offers = tmp_path / "offers.yaml"
    offers.write_text("vendor: Northwind\noffers:\n  - id: growth\n    title: Growth plan\n    unit_price: -5\n"
                      "  - id: enterprise\n    title: Enterprise plan\n    sso: maybe\n    colour: blue\n")
    result = _tco(tmp_path, "--offer", str(offers), "-o", str(tmp_path / "o.pdf"), "--json", str(tmp_path / "o.json"))
    assert result.returncode == 2
    assert f"{offers}:5: offers.0.unit_price: Input should be greater than or equal to 0" in result.stderr
    assert f"{offers}:8: offers.1.sso: Input should be a valid boolean" in result.stderr
    assert f"{offers}:9: offers.1.colour: Extra inputs are not permitted" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert sorted(path.name for path in tmp_path.iterdir()) == ["offers.yaml"]


@pytest.mark.parametrize("option", ["-o", "--json"])
def test_no_output_lands_on_an_input(tmp_path: Path, option: str) -> None:
    offers = tmp_path / "offers.yaml"
    offers.write_bytes(OFFERS.read_bytes())
    result = _tco(tmp_path, "--offer", str(offers), option, str(offers))
    assert result.returncode == 2
    assert f"that is the offers file {offers}, which this run reads" in result.stderr
    assert offers.read_bytes() == OFFERS.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["offers.yaml"]


def test_the_worked_examples_of_the_docs_are_its_output() -> None:
    """README.md and docs/tco.md show the command on the samples with its output: that output, line for line."""
    result = run_cli("tco", "samples/northwind-mail.xlsx", "--offer", "samples/northwind-offers.yaml",
                     "--inventory", "samples/inventory.yaml", "--org", "samples/org-profile.yaml", "--offline",
                     cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    for doc in ("README.md", "docs/tco.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        example = re.search(r"riskengine tco samples/northwind-mail\.xlsx --offer .*?\n.*?--offline\n(.*?)```", text,
                            re.DOTALL)
        assert example is not None, doc
        # the sentences keep "37 %" together with a no-break space; the docs show a plain one
        assert example.group(1).splitlines() == result.stdout.replace("\xa0", " ").splitlines(), doc


def test_help_carries_a_worked_example() -> None:
    from click.testing import CliRunner

    from riskengine.cli import main

    result = CliRunner().invoke(main, ["tco", "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "riskengine tco samples/northwind-mail.xlsx --offer samples/northwind-offers.yaml" in flat
    assert "--offer OFFERS.yaml" in flat and "--force" in flat and "--offline" in flat
    listing = CliRunner().invoke(main, ["--help"], terminal_width=200)
    assert "tco" in listing.output and "Price a vendor's offers" in listing.output
