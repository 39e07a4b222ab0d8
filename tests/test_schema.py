"""The published JSON Schema is current, and the sample results validate against it."""

from __future__ import annotations

import json

import jsonschema

from riskengine.assessment import assessment_json
from riskengine.pipeline import assess
from riskengine.schema import schema_text
from tests.conftest import NOW, ROOT, SAMPLES


def test_published_schema_is_current() -> None:
    published = (ROOT / "docs" / "assessment.schema.json").read_text()
    assert published == schema_text(), "run: python -m riskengine.schema > docs/assessment.schema.json"


def test_sample_results_validate_against_the_schema() -> None:
    schema = json.loads(schema_text())
    for name in ("northwind-mail", "pixelpath-analytics", "glowup-loyalty"):
        result = assess(SAMPLES / f"{name}.xlsx", now=NOW, inventory=SAMPLES / "inventory.yaml")
        jsonschema.validate(json.loads(assessment_json(result)), schema)
    broken = json.loads(assessment_json(result))
    broken["risk"]["tier"] = "catastrophic"
    try:
        jsonschema.validate(broken, schema)
    except jsonschema.ValidationError as exc:
        assert "catastrophic" in str(exc.message)
    else:
        raise AssertionError("an impossible tier must not validate")
