"""Answer normalisation: clear answers are read, anything else is unclear with a reason, never guessed."""

from __future__ import annotations

import pytest

from riskengine.importers.answers import option_key, option_text, read_answer


@pytest.mark.parametrize(("text", "value", "remark"), [
    ("Yes", "Yes", ""),
    (" no ", "No", ""),
    ("NA", "N/A", ""),
    ("N/A", "N/A", ""),
    ("n.a.", "N/A", ""),
    ("Not applicable", "N/A", ""),
    ("1) Yes", "Yes", ""),
    ("2) No", "No", ""),
    ("3) Both modes available", "Both modes available", ""),
    ("4) AWS", "AWS", ""),
    ("Yes - see GNRL-08", "Yes", "see GNRL-08"),
    ("Yes \u2013 see attached SOC 2", "Yes", "see attached SOC 2"),
    ("No. We do not store card data.", "No", "We do not store card data"),
    ("Partially", "Partial", ""),
    ("TRUE", "Yes", ""),
])
def test_clear_answers_are_normalised(text: str, value: str, remark: str) -> None:
    reading = read_answer(text)
    assert reading.clear, reading.reason
    assert (reading.value, reading.remark) == (value, remark)


@pytest.mark.parametrize(("text", "reason"), [
    ("Yes wherever possible", "not one of Yes, No, N/A"),
    ("Yesterday", "not one of Yes, No, N/A"),
    ("We do not disclose this", "not one of Yes, No, N/A"),
    ("Yes, but only on the Enterprise plan", "Yes qualified by the vendor"),
    ("No, planned for Q3", "No qualified by the vendor"),
    ("Yes, where applicable", "Yes qualified by the vendor"),
    ("", "blank"),
])
def test_unclear_answers_say_why(text: str, reason: str) -> None:
    reading = read_answer(text)
    assert not reading.clear
    assert reading.value == ""
    assert reason in reading.reason


def test_a_formats_own_words_extend_the_vocabulary() -> None:
    assert read_answer("In place", {"In place": "Yes"}).value == "Yes"
    assert not read_answer("In place").clear
    assert read_answer("Sometimes", {"In place": "Yes"}).reason == "not one of Yes, No, N/A, in place"


def test_option_keys_ignore_case_spacing_and_numbering() -> None:
    assert option_key("4)  aws") == option_key("AWS") == "aws"
    assert option_text("4) AWS") == "AWS"
    assert option_text("1. Introduction to our hosting") == "1. Introduction to our hosting"
