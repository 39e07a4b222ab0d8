"""Controlled vocabularies (capabilities, data classes) with synonyms, and the integration methods that run the
vendor's code inside our systems; kept as data and validated on load."""

from __future__ import annotations

import difflib
import re
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from riskengine.datafile import load_yaml_model
from riskengine.resources import data_path

VOCABULARIES_FILE = "vocabularies.yaml"
Method = Literal["api", "webhook", "file", "sdk", "tag", "manual"]
"""How an integration moves data: the inventory's and the question bank's list (``code_in_host_methods`` names
the ones that put the tool's code inside the host)."""

_SEPARATORS = re.compile(r"[\s_\-]+")


def _key(term: str) -> str:
    return _SEPARATORS.sub("", term).casefold()


class Vocabulary:
    """One vocabulary: canonical terms and the synonyms that resolve to them."""

    def __init__(self, name: str, terms: dict[str, tuple[str, ...]]) -> None:
        self.name = name
        self.terms = tuple(terms)
        self._lookup: dict[str, str] = {}
        for term, synonyms in terms.items():
            for spelling in (term, *synonyms):
                self._lookup[_key(spelling)] = term

    def resolve(self, text: str) -> str | None:
        """The canonical term for ``text``, or None when it is not in the vocabulary."""
        return self._lookup.get(_key(text))

    def closest(self, text: str) -> str | None:
        match = difflib.get_close_matches(_key(text), list(self._lookup), n=1, cutoff=0.6)
        return self._lookup[match[0]] if match else None


class Vocabularies(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    data_classes: dict[str, tuple[str, ...]]
    capabilities: dict[str, tuple[str, ...]]
    code_in_host_methods: tuple[Method, ...]
    """Integration methods by which the vendor's code runs inside the connected system (a tag, an SDK): that
    system then depends on the tool whichever way the data flows. Each must be an integration method of the
    inventory model (``Method`` above), the same list the question bank offers."""

    @field_validator("code_in_host_methods", mode="before")
    @classmethod
    def _known_methods(cls, value: Any) -> Any:
        """Name the unknown or repeated method and the methods allowed (pydantic's Literal error names neither)."""
        if not isinstance(value, list | tuple):
            return value
        known = get_args(Method)
        unknown = [repr(method) for method in value if method not in known]
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not an integration method; expected some of {', '.join(known)}")
        repeated = sorted({method for method in value if value.count(method) > 1})
        if repeated:
            raise ValueError(f"{', '.join(repeated)} listed more than once")
        return value

    @model_validator(mode="after")
    def _unique(self) -> Vocabularies:
        for name in ("data_classes", "capabilities"):
            seen: dict[str, str] = {}
            for term, synonyms in getattr(self, name).items():
                for spelling in (term, *synonyms):
                    owner = seen.setdefault(_key(spelling), term)
                    if owner != term:
                        raise ValueError(f"{name}: {spelling!r} belongs to both {owner!r} and {term!r}")
        return self

    @cached_property
    def data_class(self) -> Vocabulary:
        return Vocabulary("data class", self.data_classes)

    @cached_property
    def capability(self) -> Vocabulary:
        return Vocabulary("capability", self.capabilities)


@cache
def load_vocabularies(path: Path | None = None) -> Vocabularies:
    return load_yaml_model(path or data_path("questionnaires", VOCABULARIES_FILE), Vocabularies)
