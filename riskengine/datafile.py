"""Read a YAML file into a pydantic model, reporting every problem as ``file:line``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from riskengine.errors import ConfigurationError, InputError, Problem

ModelT = TypeVar("ModelT", bound=BaseModel)

MAX_YAML_BYTES = 5_000_000
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_model(
    path: Path, model: type[ModelT], *, user_file: bool = False, context: dict[str, Any] | None = None,
    max_bytes: int = MAX_YAML_BYTES,
) -> ModelT:
    """Parse ``path`` and validate it as ``model``.

    Problems carry ``file:line`` places. ``user_file`` selects the error raised: an ``InputError`` for a
    file the user passed (exit 2), a ``ConfigurationError`` for a data file of riskengine's own.
    """
    data, text = read_yaml(path, user_file=user_file, max_bytes=max_bytes)
    return validate_data(data, model, YamlPlaces(str(path), text), user_file=user_file, context=context)


def read_yaml(path: Path, *, user_file: bool = False, max_bytes: int = MAX_YAML_BYTES) -> tuple[Any, str]:
    """The parsed data of a YAML file and its text (for line numbers later); size-capped, UTF-8 only."""
    error: type[InputError] | type[ConfigurationError] = InputError if user_file else ConfigurationError
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(name, [Problem(place=name, message=f"file is {size:,} bytes; the limit is {max_bytes:,}")])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(name, [Problem(place=name, message=f"cannot read: {exc}")]) from exc
    try:
        return parse_yaml(text, name), text
    except YamlSyntaxError as exc:
        raise error(name, [exc.problem]) from exc


def validate_data(data: Any, model: type[ModelT], places: YamlPlaces, *, user_file: bool = False,
                  context: dict[str, Any] | None = None) -> ModelT:
    """Validate parsed data as ``model``; every problem is placed through ``places``."""
    error: type[InputError] | type[ConfigurationError] = InputError if user_file else ConfigurationError
    try:
        return model.model_validate(data if data is not None else {}, context=context)
    except ValidationError as exc:
        problems = [Problem(place=places.place(item["loc"]), message=_describe(item)) for item in exc.errors()]
        raise error(places.name, problems) from exc


class YamlSyntaxError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def parse_yaml(text: str, name: str) -> Any:
    """Parse one YAML 1.2 document fast (yaml-rs, in Rust, with alias-expansion limits and duplicate keys
    refused); raise ``YamlSyntaxError`` with ``file:line`` on bad syntax."""
    import yaml_rs

    try:
        return yaml_rs.loads(text)
    except yaml_rs.YAMLDecodeError as exc:
        message = str(exc)
        line = re.search(r"line (\d+)", message)
        detail = message.strip().splitlines()[-1].strip() if message.strip() else "syntax error"
        place = f"{name}:{line.group(1)}" if line else name
        raise YamlSyntaxError(Problem(place=place, message=f"not valid YAML: {detail}")) from exc


class YamlPlaces:
    """Turns a location inside a parsed document (keys and indexes) into ``file:line``.

    The node tree that knows lines is built only on the first question, so files without problems never
    pay for it.
    """

    def __init__(self, name: str, text: str) -> None:
        self.name, self._text = name, text
        self._root: yaml.Node | None = None
        self._parsed = False

    def place(self, location: tuple[int | str, ...]) -> str:
        if not self._parsed:
            self._parsed = True
            try:
                self._root = yaml.compose(self._text, Loader=_LOADER)
            except yaml.YAMLError:
                self._root = None
        return f"{self.name}:{_line_of(self._root, tuple(location))}"


def parse_yaml_documents(text: str) -> list[tuple[Any, yaml.Node]]:
    """Parse every document of a multi-document YAML stream (``---`` separated), with their node trees."""
    loader = _LOADER(text)
    documents: list[tuple[Any, yaml.Node]] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            documents.append((loader.construct_document(node), node))
    finally:
        loader.dispose()
    return documents


def yaml_problem(name: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    place = f"{name}:{mark.line + 1}" if mark is not None else name
    detail = getattr(exc, "problem", None) or str(exc)
    return Problem(place=place, message=f"not valid YAML: {detail}")


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
