"""VSAQ: the lenient JSON of the published definitions, conditions as VSAQ evaluates them, answers and tip flags."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from riskengine.errors import InputError
from riskengine.importers import detect_format, read_questionnaire
from riskengine.importers.vsaq import ConditionError, Definition, _Answers, parse_lenient_json
from riskengine.questionnaire.bank import QuestionBank
from tests.conftest import TODAY, run_cli
from tests.importers.builders import CORPUS

DEFINITION = """// A synthetic definition, written the way Google's are:
// licence comments first, long strings joined with +.
{
  "questionnaire": [{
    "type": "block", "text": "Synthetic", "items": [
      {"type": "line", "id": "application_name", "text": "Name of " +
                                                          "the application"},
      {"type": "radiogroup", "id": "tls", "text": "HTTPS?", "choices": [
        {"tls_yes": "Everywhere"}, {"tls_no": "Not everywhere"}]},
      {"type": "checkgroup", "text": "Single sign-on", "choices": [
        {"sso_saml": "SAML"}, {"sso_oidc": "OIDC"}, {"sso_none": "None"}]},
      {"type": "tip", "id": "warn_tls", "cond": "tls_no", "warn": "yes", "severity": "high",
       "name": "No TLS", "text": "<b>Use</b> TLS" + " everywhere."},
      {"type": "block", "id": "inner", "cond": "sso_saml || sso_oidc", "items": [
        {"type": "tip", "id": "warn_sso", "cond": "!^tip_hidden && sso_none", "warn": "yes", "severity": "medium",
         "name": "contradiction", "text": "x"}]},
      {"type": "tip", "id": "info_only", "cond": "tls_yes", "text": "Good."}
    ]}]
}
"""


def definition(text: str = DEFINITION) -> Definition:
    loaded = Definition()
    loaded.add(parse_lenient_json(text, "synthetic.json"), "synthetic.json")
    return loaded


def test_comments_and_string_joins_parse_and_keep_line_numbers() -> None:
    data = parse_lenient_json(DEFINITION, "synthetic.json")
    items = data["questionnaire"][0]["items"]
    assert items[0]["text"] == "Name of the application"
    assert items[3]["text"] == "<b>Use</b> TLS everywhere."
    assert parse_lenient_json('{"url": "http://x/y", /* c */ "n": 1}', "t") == {"url": "http://x/y", "n": 1}
    broken = DEFINITION.replace('"tls", "text"', '"tls" "text"')
    with pytest.raises(InputError) as caught:
        parse_lenient_json(broken, "synthetic.json")
    assert caught.value.problems[0].place == "synthetic.json:8", "the line a person sees in the file"


@pytest.mark.parametrize(("name", "strict"), [
    ("webapp.json", False), ("infrastructure.json", False), ("security_privacy_programs.json", False),
    ("physical_and_datacenter.json", False), ("test_template.json", True), ("test_template_extension.json", True)])
def test_every_published_definition_parses(name: str, strict: bool) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    text = (CORPUS / "vsaq" / name).read_text(encoding="utf-8")
    if not strict:
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)  # not strict JSON: that is why the lenient parser exists
    loaded = Definition()
    loaded.add(parse_lenient_json(text, name), name)
    assert loaded.value_items()


def test_conditions_evaluate_left_to_right_as_vsaq_does() -> None:
    loaded = definition()
    answers = _Answers(loaded, {"tls_no": "checked", "sso_none": "checked"})
    assert answers.holds("tls_no")
    assert not answers.holds("tls_yes")
    assert answers.holds("tls_yes || tls_no && sso_none")
    assert not answers.holds("tls_no || tls_yes && sso_saml"), "no precedence: (tls_no || tls_yes) && sso_saml"
    assert answers.holds("!(tls_yes || sso_saml)")
    assert not answers.holds("^warn_sso"), "its block is hidden: no SAML or OIDC ticked"
    with pytest.raises(ConditionError, match="does not have"):
        answers.holds("nonexistent_choice")
    with pytest.raises(ConditionError):
        answers.holds("tls_no &&")


def write_answers(folder: Path, answers: dict[str, object], definition_name: str = "synthetic.json") -> Path:
    path = folder / "answers.json"
    path.write_text(json.dumps({"questionnaire": definition_name, "answers": answers}), encoding="utf-8")
    return path


def test_answers_are_read_mapped_and_tips_that_fire_become_flags(tmp_path: Path, bank: QuestionBank) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    shutil.copy(CORPUS / "vsaq" / "webapp.json", tmp_path / "webapp.json")  # Apache-2.0; a test copy in tmp only
    path = write_answers(tmp_path, {
        "application_name": "Acme Mail", "application_vm_securitycontact_no": "checked",
        "application_ssl_mixed": "checked", "application_authentication_requires_login": "checked",
        "application_authentication_sso_saml": "checked", "application_authentication_sso_ldap": "checked",
        "warn_application_vm_securitycontact": "security.txt goes live next month",
        "not_a_question": "hello",
    }, "webapp.json")
    assert detect_format(path) == "vsaq"
    submission = read_questionnaire(path, bank, today=TODAY)
    coverage = submission.coverage
    assert coverage is not None
    assert (coverage.format, coverage.format_version) == ("vsaq", "webapp")
    assert set(coverage.related_files) == {"webapp.json"}
    assert submission.value("VEN-02") == "Acme Mail"
    assert submission.answers["VEN-02"].place == "answers.json:$.answers.application_name"
    assert submission.value("SEC-22") == "No"
    assert submission.value("SEC-07") == "Partial"
    assert submission.value("SEC-01") == "Yes", "SAML counts; LDAP says nothing"
    assert submission.value("SEC-02") == ("SAML",)
    flags = {flag.their_id: flag for flag in coverage.flags}
    assert set(flags) == {"warn_application_vm_securitycontact", "warn_application_not_ssl",
                          "warn_application_authentication_ldap_password"}
    assert flags["warn_application_vm_securitycontact"].severity == "medium"
    assert flags["warn_application_vm_securitycontact"].place == \
        "answers.json:$.answers.application_vm_securitycontact_no"
    assert flags["warn_application_vm_securitycontact"].response == "security.txt goes live next month"
    assert [(item.their_id, item.reason) for item in coverage.unparsed] == [
        ("not_a_question", "not a question of webapp.json")]


def test_a_definition_alone_is_recognised_with_nothing_answered(tmp_path: Path, bank: QuestionBank) -> None:
    path = tmp_path / "synthetic.json"
    path.write_text(DEFINITION, encoding="utf-8")
    assert detect_format(path) == "vsaq"
    submission = read_questionnaire(path, bank, today=TODAY)
    assert submission.coverage is not None
    assert (submission.coverage.questions_read, submission.coverage.questions_answered) == (3, 0)
    assert submission.answers == {} and submission.coverage.flags == ()
    assert len(submission.coverage.not_covered) == len(bank.questions())


def test_synthetic_tips_fire_only_when_their_block_and_condition_hold(tmp_path: Path, bank: QuestionBank) -> None:
    (tmp_path / "synthetic.json").write_text(DEFINITION, encoding="utf-8")
    fired = read_questionnaire(write_answers(tmp_path, {"tls_no": "checked", "sso_none": "checked"}), bank,
                               today=TODAY)
    assert fired.coverage is not None
    assert [(flag.their_id, flag.severity, flag.text) for flag in fired.coverage.flags] == [("warn_tls", "high",
                                                                                             "No TLS")]
    quiet = read_questionnaire(write_answers(tmp_path, {"tls": "tls_yes"}), bank, today=TODAY)
    assert quiet.coverage is not None and quiet.coverage.flags == (), "the radio group's id may hold the choice"


def test_an_answers_file_may_only_name_a_definition_beside_it(tmp_path: Path, bank: QuestionBank) -> None:
    for reference in ("../webapp.json", "/etc/passwd", "sub/webapp.json"):
        path = write_answers(tmp_path, {}, reference)
        with pytest.raises(InputError) as caught:
            read_questionnaire(path, bank, today=TODAY)
        assert "must be named by its file name" in caught.value.problems[0].message
        assert caught.value.problems[0].place == f"{path}:$.questionnaire"
    with pytest.raises(InputError) as missing:
        read_questionnaire(write_answers(tmp_path, {}, "missing.json"), bank, today=TODAY)
    assert "definition 'missing.json' not found" in missing.value.problems[0].message


def test_json_that_is_not_vsaq_is_refused(tmp_path: Path, bank: QuestionBank) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"name": "not a questionnaire"}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_questionnaire(path, bank, today=TODAY)
    assert "not a VSAQ questionnaire" in caught.value.problems[0].message


def test_a_radio_group_answered_with_an_option_it_lacks_is_unparsed(tmp_path: Path, bank: QuestionBank) -> None:
    (tmp_path / "synthetic.json").write_text(DEFINITION, encoding="utf-8")
    submission = read_questionnaire(write_answers(tmp_path, {"tls": "tls_maybe", "sso_saml": True}), bank,
                                    today=TODAY)
    assert submission.coverage is not None
    assert [(item.their_id, item.place, item.text) for item in submission.coverage.unparsed] == [
        ("tls", "answers.json:$.answers.tls", "tls_maybe")]
    assert "not one of the options of tls (tls_yes, tls_no)" in submission.coverage.unparsed[0].reason
    assert submission.coverage.questions_answered == 1, "a JSON true ticks a box as 'checked' does"


def test_conditions_that_refer_to_each_other_are_a_warning_not_a_crash(tmp_path: Path, bank: QuestionBank) -> None:
    chain = [{"type": "check", "id": f"c{index}", "text": "x", "cond": f"c{index + 1}"} for index in range(3000)]
    chain.append({"type": "check", "id": "c3000", "text": "x", "cond": "loop_a"})
    items = [*chain,
             {"type": "check", "id": "loop_a", "text": "a", "cond": "loop_b"},
             {"type": "check", "id": "loop_b", "text": "b", "cond": "loop_a"},
             {"type": "tip", "id": "warn_loop", "cond": "loop_a", "warn": "yes", "severity": "low", "text": "t"},
             {"type": "tip", "id": "warn_deep", "cond": "c0", "warn": "yes", "severity": "low", "text": "t"}]
    (tmp_path / "cyclic.json").write_text(json.dumps({"questionnaire": [{"type": "block", "items": items}]}),
                                          encoding="utf-8")
    submission = read_questionnaire(write_answers(tmp_path, {"loop_a": "checked"}, "cyclic.json"), bank,
                                    today=TODAY)
    assert submission.coverage is not None and submission.coverage.flags == ()
    messages = [problem.message for problem in submission.warnings]
    assert any(message.startswith("tip warn_loop not evaluated") for message in messages)
    assert any(message.startswith("tip warn_deep not evaluated") for message in messages)


# --- hostile JSON: every breach an InputError with its line, in time linear in the file ------------------------

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(("name", "content", "refused", "message"), [
    ("definition nested 100,000 deep", '{"questionnaire": [' + '{"type": "block", "items": [' * 100 + "]}" * 100
     + "]}", "webapp.json", "webapp.json:1: not valid JSON within riskengine's limits: nested more than 64 levels"),
    ("answers nested 100,000 deep", '{"questionnaire": "webapp.json", "answers": {"a": ' + DEEP + "}}",
     "answers.json", "answers.json:1: not valid JSON within riskengine's limits: nested more than 64 levels"),
    ("a 100,000-digit number", '{"questionnaire": "webapp.json",\n "answers": {"a": ' + "7" * 100_000 + "}}",
     "answers.json", "answers.json:2: not valid JSON within riskengine's limits: a number of more than 100 digits"),
    ("a 200,000-character string", '{"questionnaire": "webapp.json", "answers": {"a": "' + "x" * 200_000 + '"}}',
     "answers.json", "answers.json:1: not valid JSON within riskengine's limits: a string of 200,000 characters"),
    ("a million values", '{"questionnaire": "webapp.json", "answers": {"a": [' + ",".join(["1"] * 1_000_000) + "]}}",
     "answers.json", "answers.json:1: not valid JSON within riskengine's limits: more than 500,000 values"),
])
def test_hostile_vsaq_json_is_refused_with_its_line_through_the_cli(name: str, content: str, refused: str,
                                                                      message: str, tmp_path: Path) -> None:
    target = tmp_path / refused
    target.write_text(content, encoding="utf-8")
    if refused == "webapp.json":
        write_answers(tmp_path, {"application_name": "Acme"}, "webapp.json")
    started = time.monotonic()
    result = run_cli("validate", str(tmp_path / "answers.json"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{tmp_path}/{message}" in result.stdout + result.stderr, "the file, its line and the limit"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(("text", "message"), [
    ('["' + '\\"' * 1_000_000 + "\n]", "synthetic.json:1: not valid JSON: a string that does not end on its line"),
    ("[1,\n" + "/**/" * 600_000, "synthetic.json:2: not valid JSON within riskengine's limits: more than 500,000"),
    ("[1,\n/* never closed", "synthetic.json:2: not valid JSON: a /* comment that never ends"),
    ("[" + "1/" * 1_000_000 + "1]", "synthetic.json:1: not valid JSON: '/' outside a string that starts no comment"),
    ('["a" + "b" +\n' * 1 + '"' + "x" * 99_990 + '" + "' + "y" * 20 + '"]',
     "synthetic.json:1: not valid JSON within riskengine's limits: a string of 100,012 characters"),
])
def test_hostile_text_is_read_in_one_pass(text: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        parse_lenient_json(text, "synthetic.json")
    assert str(caught.value.problems[0]).startswith(message)
    assert time.monotonic() - started < 5, "a step that went back over the text made these quadratic"
