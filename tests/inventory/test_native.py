"""The native YAML inventory: every problem placed as file:line, vocabularies with synonyms, the check command."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskengine.errors import InputError
from riskengine.inventory.loader import load_inventory
from riskengine.inventory.vocabulary import load_vocabularies
from tests.conftest import SAMPLES, run_cli

VOCABULARIES = load_vocabularies()

GOOD = """\
organisation: Test Co
systems:
  - id: web
    name: Website
    criticality: critical
    capabilities: [CMS]
    customer_facing: true
  - id: mail
    name: Newsletter tool
    criticality: medium
    capabilities: [E-mail marketing, email]
    data_classes: [PII]
  - id: crm
    name: CRM
    criticality: high
    capabilities: [crm]
integrations:
  - {from: web, to: crm, data_classes: [personal], method: api}
  - {from: crm, to: mail, data_classes: [personal], method: api}
  - {from: mail, to: web, data_classes: [], method: tag}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inventory.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_inventory(path, vocabularies=VOCABULARIES)
    return [str(problem) for problem in caught.value.problems]


def test_synonyms_resolve_to_canonical_terms_and_cycles_load(tmp_path: Path) -> None:
    inventory = load_inventory(write(tmp_path, GOOD), vocabularies=VOCABULARIES)
    mail = next(system for system in inventory.systems if system.id == "mail")
    assert mail.capabilities == ("email-marketing",)
    assert mail.data_classes == ("personal",)
    assert len(inventory.integrations) == 3


def test_every_problem_is_placed_at_its_line(tmp_path: Path) -> None:
    text = GOOD.replace("capabilities: [crm]", "capabilities: [crm, emial-marketing]")
    text = text.replace("  - id: crm\n", "  - id: web\n", 1)
    text += "  - {from: crm, to: wbe, method: api}\n  - {from: mail, to: mail, method: file}\n"
    text += "  - {from: web, to: mail, method: pigeon}\n"
    path = write(tmp_path, text)
    found = problems(path)
    assert f"{path}:13: duplicate system id 'web' (first at {path}:3)" in found
    unknown = "capabilities: unknown capability 'emial-marketing'; closest known term: email-marketing"
    assert f"{path}:16: {unknown}" in found
    assert f"{path}:21: to: unknown system 'wbe'; closest: web" in found
    assert f"{path}:22: self-loop: 'mail' integrates with itself" in found
    assert any(p.startswith(f"{path}:23: method:") and "pigeon" in p for p in found)
    assert len(found) == 8  # the five above and the three integrations naming "crm", renamed away


def test_malformed_yaml_is_placed(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("capabilities: [crm]", "capabilities: [crm"))
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:")
    assert "not valid YAML" in problem


def test_unknown_top_level_key_and_alias_bomb_are_refused(tmp_path: Path) -> None:
    assert any("unknown key 'sytems'" in p for p in problems(write(tmp_path, GOOD + "sytems: []\n")))
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8))
    (problem,) = problems(write(tmp_path, bomb))
    assert "not valid YAML" in problem


def test_check_command_summarises_the_sample() -> None:
    result = run_cli("inventory", "check", str(SAMPLES / "inventory.yaml"))
    assert result.returncode == 0, result.stderr
    assert "systems        39 (" in result.stdout
    assert "single points of failure" in result.stdout and "Okta Workforce Identity" in result.stdout
    assert "unsanctioned (shadow IT)  ChatGPT Plus (personal accounts), Hotjar" in result.stdout


def test_check_command_reports_all_problems_with_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("[crm]", "[crm, emial]") + "  - {from: crm, to: nowhere, method: api}\n")
    result = run_cli("inventory", "check", str(path))
    assert result.returncode == 2
    assert "2 errors" in result.stderr
    assert "unknown capability 'emial'" in result.stderr and "unknown system 'nowhere'" in result.stderr
    assert "Traceback" not in result.stderr
