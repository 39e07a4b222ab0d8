"""Which N/A answers are accepted: N/A must be allowed by the bank where it is given, and must carry a reason.

N/A takes a control out of the score, so an N/A that is not earned would let a vendor escape a control, or a
knockout that tests for "No". The bank says where N/A is acceptable (``na_allowed`` on a section or a question,
usually with a condition such as "the tool holds no personal data"); every accepted N/A also needs the vendor's
reason. Any other N/A stays in the questionnaire as the vendor gave it, is listed as a warning with its cell,
and is scored as unanswered.
"""

from __future__ import annotations

from riskengine.errors import Problem
from riskengine.facts import FactSet
from riskengine.questionnaire.bank import NOT_APPLICABLE, QuestionBank
from riskengine.questionnaire.submission import Submission, answer_facts


def screen_not_applicable(submission: Submission, bank: QuestionBank) -> Submission:
    """``submission`` with its unaccepted N/A answers recorded in ``refused_not_applicable``, each a warning."""
    facts = FactSet().with_facts(*answer_facts(submission.model_copy(update={"refused_not_applicable": {}})))
    refused: dict[str, str] = {}
    warnings = list(submission.warnings)
    for _, question in bank.questions():
        answer = submission.answers.get(question.id)
        if answer is None or answer.value != NOT_APPLICABLE:
            continue
        rule = bank.na_rule(question.id)
        if rule is None:
            why = "N/A is not an accepted answer to this question"
        elif rule.when is not None and rule.when.evaluate(facts) is not True:
            why = f"N/A is accepted only when {rule.because}"
        elif not answer.reason.strip():
            why = "N/A needs the reason in the Comment column"
        else:
            continue
        refused[question.id] = why
        warnings.append(Problem(place=answer.place, question_id=question.id, severity="warning",
                                message=f"{why}; it counts as unanswered"))
    if not refused:
        return submission
    return submission.model_copy(update={"refused_not_applicable": refused, "warnings": tuple(warnings)})
