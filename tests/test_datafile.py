"""Hostile YAML and JSON through the real CLI, in a child process under a 1 GiB memory cap.

Each bomb is written as an inventory (``inventory check``), an organisation profile (``--org``), a scoring
profile (``--profile``) and an importer mapping (``--mapping``): every one must end with exit code 2 and a
message naming the file and the place, never a MemoryError, a crash of the YAML library or "internal error",
and soon. Without the limits of ``riskengine.datafile`` the string-alias bomb asked for 12 GB and aborted the
process (exit 134), the 100,000-digit integer ended as an internal error, and deep block nesting crashed
yaml-rs with a segmentation fault.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from riskengine.datafile import DATA_FILE_LIMITS, YamlSyntaxError, check_yaml, parse_yaml
from riskengine.inventory.native import INVENTORY_LIMITS
from tests.conftest import EPOCH, SAMPLES, STORE

CAP_BYTES = 1 << 30
"""The child's address space: a twelfth of what the string-alias bomb asked for."""
SECONDS = 30.0
"""Wall time a refusal may take, start-up included (a few seconds at most when the machine is idle)."""
_CAPPED = ("import resource, runpy, sys; "
           f"resource.setrlimit(resource.RLIMIT_AS, ({CAP_BYTES}, {CAP_BYTES})); "
           "sys.argv = ['riskengine', *sys.argv[1:]]; "
           "runpy.run_module('riskengine', run_name='__main__', alter_sys=True)")


def run_capped(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """The real ``riskengine`` command in a child process whose memory is capped before anything is read."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "RISKENGINE_OFFLINE": "1", "RISKENGINE_DB": str(STORE)}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", _CAPPED, *args], env=environment, capture_output=True, text=True,
                            timeout=120, check=False)
    return result, time.monotonic() - started


# --------------------------------------------------------------------------------------------- the bombs


def long_string_aliased() -> str:
    """The reported file: one 1 MB string anchored once and aliased 12,000 times (12 GB once expanded)."""
    return "name: &s " + "x" * 1_000_000 + "\nrepeated: [" + ", ".join(["*s"] * 12_000) + "]\n"


def string_alias_bomb() -> str:
    """Strings under the length limit, aliased until they would make 1 GB."""
    return "name: &s " + "x" * 90_000 + "\nrepeated: [" + ", ".join(["*s"] * 12_000) + "]\n"


def nested_list_bomb() -> str:
    """The classic: ten lists of ten aliases of the level below, nine levels deep (a billion values)."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]" for level in range(1, 9)]
    return "\n".join(lines) + "\n"


def mixed_bomb() -> str:
    """Aliases of mappings that hold aliased strings, aliased in lists."""
    return ("s: &s " + "y" * 50_000 + "\n" + "m: &m {a: *s, b: *s, c: [*s, *s]}\n" + "l: &l [*m, *m, *m, *m]\n"
            + "all: [" + ", ".join(["*l"] * 5_000) + "]\n")


def long_integer() -> str:
    return "name: vendor\nfigure: " + "7" * 100_000 + "\n"


def deep_block() -> str:
    """50,000 levels of block sequences in 100 KB: yaml-rs crashed (a segmentation fault) on 30,000."""
    return "- " * 50_000 + "x\n"


def deep_flow() -> str:
    return "a: " + "[" * 100_000 + "]" * 100_000 + "\n"


def many_values() -> str:
    """600,000 list items in 2.4 MB: more than the 500,000 values a data file may hold (the mapping, the key
    and the list count too, so item 499,998, on line 499,999, is the value past the limit)."""
    return "values:\n" + "- a\n" * 600_000


def many_values_for_an_inventory() -> str:
    """5,200,000 values: more than twice the 2,500,000 an inventory may hold."""
    return "systems: [" + ",".join(["a"] * 5_200_000) + "]\n"


Bomb = Callable[[], str]
BOMBS: dict[str, tuple[Bomb, str]] = {
    "long string aliased": (long_string_aliased, r":1: not valid YAML within riskengine's limits: a value of "
                                                 r"1,000,000 characters; the limit is 100,000"),
    "string-alias bomb": (string_alias_bomb, r":2: not valid YAML within riskengine's limits: more than [\d,]+ "
                                             r"characters once aliases are expanded \(alias \*s repeats 90,000\)"),
    "nested-list bomb": (nested_list_bomb, r":\d: not valid YAML within riskengine's limits: more than [\d,]+ values"),
    "mixed bomb": (mixed_bomb, r":4: not valid YAML within riskengine's limits: more than [\d,]+ characters once "
                               r"aliases are expanded \(alias \*l repeats 800,012\)"),
    "100,000-digit integer": (long_integer, r":2: not valid YAML within riskengine's limits: a number of more than "
                                            r"100 digits"),
    "deep block nesting": (deep_block, r":1: not valid YAML within riskengine's limits: nested more than 64 levels"),
    "deep flow nesting": (deep_flow, r":1: not valid YAML within riskengine's limits: nested more than 64 levels"),
}


def _inventory(path: Path, tmp_path: Path) -> tuple[str, ...]:
    return ("inventory", "check", str(path))


def _org(path: Path, tmp_path: Path) -> tuple[str, ...]:
    return ("assess", str(SAMPLES / "northwind-mail.xlsx"), "--org", str(path), "-o", str(tmp_path / "report.pdf"))


def _profile(path: Path, tmp_path: Path) -> tuple[str, ...]:
    return ("assess", str(SAMPLES / "northwind-mail.xlsx"), "--profile", str(path), "-o",
            str(tmp_path / "report.pdf"))


def _mapping(path: Path, tmp_path: Path) -> tuple[str, ...]:
    return ("validate", str(SAMPLES / "northwind-mail.xlsx"), "--mapping", str(path))


USES: dict[str, Callable[[Path, Path], tuple[str, ...]]] = {
    "inventory": _inventory, "org profile": _org, "scoring profile": _profile, "mapping": _mapping}


def assert_refused(result: subprocess.CompletedProcess[str], seconds: float, path: Path, place: str,
                   tmp_path: Path) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 2, output[-2000:]
    assert re.search(re.escape(str(path)) + place, output), output[-2000:]
    for sign in ("Traceback", "internal error", "MemoryError", "panicked"):
        assert sign not in output
    assert seconds < SECONDS, f"took {seconds:.1f} s"
    assert not (tmp_path / "report.pdf").exists() and not (tmp_path / "report.json").exists()


@pytest.mark.parametrize("use", list(USES))
@pytest.mark.parametrize("bomb", list(BOMBS))
def test_hostile_yaml_is_refused_with_its_place_under_a_memory_cap(bomb: str, use: str, tmp_path: Path) -> None:
    make, place = BOMBS[bomb]
    path = tmp_path / "hostile.yaml"
    path.write_text(make(), encoding="utf-8")
    result, seconds = run_capped(*USES[use](path, tmp_path))
    assert_refused(result, seconds, path, place, tmp_path)


@pytest.mark.parametrize("use", ["org profile", "scoring profile", "mapping"])
def test_too_many_values_in_a_data_file_are_refused_at_the_line_that_passes_the_limit(use: str,
                                                                                        tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(many_values(), encoding="utf-8")
    result, seconds = run_capped(*USES[use](path, tmp_path))
    assert_refused(result, seconds, path, r":499999: not valid YAML within riskengine's limits: more than 500,000 "
                                          r"values", tmp_path)


def test_too_many_values_in_an_inventory_are_refused_for_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(many_values_for_an_inventory(), encoding="utf-8")
    result, seconds = run_capped("inventory", "check", str(path))
    # Counted by libyaml in C: where the count passes the limit is not known, and the file as a whole is the place.
    assert_refused(result, seconds, path, r": not valid YAML within riskengine's limits: holds at least 2,600,00\d "
                                          r"values; the limit is 2,500,000", tmp_path)


@pytest.mark.parametrize("use", list(USES))
def test_the_cap_leaves_room_for_the_real_files(use: str, tmp_path: Path) -> None:
    """The control: the same commands on the shipped samples succeed under the same cap."""
    sample = {"inventory": SAMPLES / "inventory.yaml", "org profile": SAMPLES / "org-profile.yaml",
              "scoring profile": Path(__file__).parent.parent / "scoring" / "default.yaml",
              "mapping": Path(__file__).parent.parent / "questionnaires" / "mappings" / "example-oneoff.yaml"}[use]
    result, _ = run_capped(*USES[use](sample, tmp_path))
    if use == "mapping":  # a one-off mapping does not fit our own questionnaire: refused, but as a mapping
        assert result.returncode == 2 and "mapping" in result.stdout + result.stderr, result.stderr[-2000:]
    else:
        assert result.returncode == 0, result.stderr[-2000:]


# --------------------------------------------------------------------------------------------- the checks


def test_what_the_text_vouches_for_is_not_scanned_and_what_it_does_not_is() -> None:
    plain = "organisation: Acme\nsystems:\n  - {id: crm, name: CRM, capabilities: [crm]}\n"
    assert parse_yaml(plain, "f.yaml") == {"organisation": "Acme",
                                           "systems": [{"id": "crm", "name": "CRM", "capabilities": ["crm"]}]}
    shared = "base: &b {tier: high}\nfirst: *b\nsecond: *b\nnote: '*not an alias*'\n"
    assert parse_yaml(shared, "f.yaml")["second"] == {"tier": "high"}, "ordinary aliases still work"
    quoted = "id: '" + "7" * 500 + "'\n"
    assert parse_yaml(quoted, "f.yaml") == {"id": "7" * 500}, "a long quoted number is text"


@pytest.mark.parametrize(("text", "message"), [
    ("a: *nowhere\n", "f.yaml:1: not valid YAML: alias *nowhere names no anchor"),
    ("a: &x [1, *x]\n", "f.yaml:1: not valid YAML: alias *x names the collection it is inside"),
    ("a: 0x" + "f" * 101 + "\n", "f.yaml:1: not valid YAML within riskengine's limits: a number of more than 100"),
    ("a: " + "1_" * 101 + "1\n", "f.yaml:1: not valid YAML within riskengine's limits: a number of more than"),
    ("- " * 70 + "x\n", "f.yaml:1: not valid YAML within riskengine's limits: nested more than 64 levels deep"),
    ("a: &a [[[[[[[[[[x]]]]]]]]]]\nb: " + "[" * 55 + "*a" + "]" * 55 + "\n",
     "f.yaml:2: not valid YAML within riskengine's limits: alias *a nests the document more than 64 levels deep"),
])
def test_the_event_scan_places_each_breach(text: str, message: str) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        check_yaml(text, "f.yaml", DATA_FILE_LIMITS)
    assert str(caught.value.problem).startswith(message)


def test_a_large_inventory_is_checked_from_its_text_without_a_scan() -> None:
    rows = "".join(f"  - {{id: s{index}, name: System {index}, capabilities: [crm, cdp], criticality: high}}\n"
                   for index in range(40_000))
    text = "organisation: Big\nsystems:\n" + rows
    started = time.monotonic()
    check_yaml(text, "inventory.yaml", INVENTORY_LIMITS)
    assert time.monotonic() - started < 0.5, "a scan of its 500,000 events would take seconds"


# --------------------------------------------------------------------------------------------- explain's JSON


@pytest.mark.parametrize(("content", "detail"), [
    ("[" * 100_000 + "]" * 100_000, "recursion limit exceeded at line 1"),
    ('{"assessment_id":\n' + "[" * 5_000 + "]" * 5_000 + "}", "recursion limit exceeded at line 2"),
    ('{"assessment_id": ' + "1" * 100_000 + "}", "number out of range at line 1"),
])
def test_explain_refuses_deep_or_huge_json_with_a_message(content: str, detail: str, tmp_path: Path) -> None:
    """pydantic-core's JSON parser stops at 200 levels and refuses numbers it cannot hold: exit 2, not a crash."""
    path = tmp_path / "result.json"
    path.write_text(content, encoding="utf-8")
    result, seconds = run_capped("explain", str(path))
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"{path}: not a riskengine JSON result" in result.stderr and detail in result.stderr
    assert "Traceback" not in result.stderr and seconds < SECONDS


# --------------------------------------------------------------------------------------------- Backstage


@pytest.mark.parametrize("bomb", ["string-alias bomb", "100,000-digit integer", "deep block nesting"])
def test_a_backstage_catalog_file_is_held_to_the_same_limits(bomb: str, tmp_path: Path) -> None:
    make, place = BOMBS[bomb]
    path = tmp_path / "catalog-info.yaml"
    path.write_text("apiVersion: backstage.io/v1alpha1\nkind: Component\n---\n" + make(), encoding="utf-8")
    result, seconds = run_capped("inventory", "check", "--format", "backstage", str(path))
    shifted = re.sub(r":(\d+):", lambda match: f":{int(match.group(1)) + 3}:", place, count=1)
    assert_refused(result, seconds, path, shifted, tmp_path)


def test_yaml_is_parsed_safely_from_threads_that_end() -> None:
    """yaml-rs first imported in a thread that then ended crashed the process at a later parse in another thread
    (a segmentation fault, every time in 300 threads); riskengine imports it with the module, so it never is."""
    import textwrap

    script = textwrap.dedent("""
        import threading
        from riskengine.datafile import parse_yaml
        for _ in range(300):
            thread = threading.Thread(target=parse_yaml, args=("a: 1\\nb: [1, 2]\\n", "x.yaml"))
            thread.start()
            thread.join()
        print("parsed")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, "parsed"), result.stderr[-500:]
