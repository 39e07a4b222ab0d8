"""The JSON Schema of the JSON result, generated from the pydantic models (``docs/assessment.schema.json``)."""

from __future__ import annotations

import json
from typing import Any


def assessment_schema() -> dict[str, Any]:
    from riskengine.assessment import Assessment

    schema = Assessment.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "riskengine assessment result"
    return schema


def schema_text() -> str:
    return json.dumps(assessment_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
