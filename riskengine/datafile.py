"""Read a YAML file into a pydantic model, reporting every problem as ``file:line``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from riskengine.errors import ConfigurationError, InputError, Problem

ModelT = TypeVar("ModelT", bound=BaseModel)

MAX_YAML_BYTES = 5_000_000


def load_yaml_model(
    path: Path, model: type[ModelT], *, user_file: bool = False, context: dict[str, Any] | None = None
) -> ModelT:
    """Parse ``path`` and validate it as ``model``.

    Problems carry ``file:line`` places. ``user_file`` selects the error raised: an ``InputError`` for a
    file the user passed (exit 2), a ``ConfigurationError`` for a data file of riskengine's own.
    """
    error: type[InputError] | type[ConfigurationError] = InputError if user_file else ConfigurationError
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise error(name, [Problem(place=name, message=f"file is {size:,} bytes; the limit is "
                                                            f"{MAX_YAML_BYTES:,}")])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(name, [Problem(place=name, message=f"cannot read: {exc}")]) from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"{name}:{mark.line + 1}" if mark is not None else name
        detail = getattr(exc, "problem", None) or str(exc)
        raise error(name, [Problem(place=place, message=f"not valid YAML: {detail}")]) from exc
    try:
        return model.model_validate(data if data is not None else {}, context=context)
    except ValidationError as exc:
        problems = [
            Problem(place=f"{name}:{_line_of(root, item['loc'])}", message=_describe(item))
            for item in exc.errors()
        ]
        raise error(name, problems) from exc


def _describe(item: Any) -> str:
    path = ".".join(str(part) for part in item["loc"])
    message = str(item["msg"]).removeprefix("Value error, ")
    return f"{path}: {message}" if path else message


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int:
    """The 1-based line of the deepest YAML node that ``loc`` (a pydantic error location) reaches."""
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line
