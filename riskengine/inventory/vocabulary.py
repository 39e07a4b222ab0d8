"""Controlled vocabularies (capabilities, data classes) with synonyms, the integration methods that run the
vendor's code inside our systems, and the filler words a vendor puts around a capability when it names one of our
systems by what it does ("our CRM platform"); kept as data and validated on load."""

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
ONE_OFF_FREQUENCY = "once"
"""The Integrations frequency of a one-off transfer (a migration): the question bank offers it; such a connection
is drawn and costed, but nothing depends on it (``riskengine.inventory.analysis``)."""


def term_key(term: str) -> str:
    """How terms and names compare: ignoring case, spaces, dashes and underscores (``E-mail marketing`` is
    ``emailmarketing``)."""
    return _SEPARATORS.sub("", term).casefold()


_WORDS = re.compile(r"[\s()\[\],;:/\"'.!?]+")


class Vocabulary:
    """One vocabulary: canonical terms and the synonyms that resolve to them."""

    def __init__(self, name: str, terms: dict[str, tuple[str, ...]]) -> None:
        self.name = name
        self.terms = tuple(terms)
        self._lookup: dict[str, str] = {}
        for term, synonyms in terms.items():
            for spelling in (term, *synonyms):
                self._lookup[term_key(spelling)] = term

    def resolve(self, text: str) -> str | None:
        """The canonical term for ``text``, or None when it is not in the vocabulary."""
        return self._lookup.get(term_key(text))

    def closest(self, text: str) -> str | None:
        match = difflib.get_close_matches(term_key(text), list(self._lookup), n=1, cutoff=0.6)
        return self._lookup[match[0]] if match else None


class Vocabularies(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    data_classes: dict[str, tuple[str, ...]]
    capabilities: dict[str, tuple[str, ...]]
    code_in_host_methods: tuple[Method, ...]
    filler_words: tuple[str, ...] = ()
    """Words around a capability that name none ("our", "platform"): an Integrations row "our CRM platform" names
    the capability crm. Single words; none may be a capability term or synonym."""
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

    @field_validator("filler_words")
    @classmethod
    def _single_words(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        wrong = [repr(word) for word in value if not word.strip() or len(word.split()) > 1]
        if wrong:
            raise ValueError(f"{', '.join(wrong)}: a filler word is one word")
        keys = [term_key(word) for word in value]
        repeated = sorted({word for word, key in zip(value, keys, strict=True) if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"{', '.join(repeated)} listed more than once")
        return value

    @model_validator(mode="after")
    def _unique(self) -> Vocabularies:
        for name in ("data_classes", "capabilities"):
            seen: dict[str, str] = {}
            for term, synonyms in getattr(self, name).items():
                for spelling in (term, *synonyms):
                    owner = seen.setdefault(term_key(spelling), term)
                    if owner != term:
                        raise ValueError(f"{name}: {spelling!r} belongs to both {owner!r} and {term!r}")
        capability = self.capability
        named = [f"{word!r} (capability {capability.resolve(word)})" for word in self.filler_words
                 if capability.resolve(word) is not None]
        if named:
            raise ValueError(f"filler_words: {', '.join(named)} names a capability, so it cannot be a filler word")
        return self

    @cached_property
    def data_class(self) -> Vocabulary:
        return Vocabulary("data class", self.data_classes)

    @cached_property
    def capability(self) -> Vocabulary:
        return Vocabulary("capability", self.capabilities)

    def named_capability(self, text: str) -> str | None:
        """The capability ``text`` names, whole or once its filler words are dropped ("our CRM platform" is
        crm); None when it names none."""
        found = self.capability.resolve(text)
        if found is not None:
            return found
        filler = {term_key(word) for word in self.filler_words}
        words = [word for word in _WORDS.split(text) if word and term_key(word) not in filler]
        return self.capability.resolve(" ".join(words)) if words else None


@cache
def load_vocabularies(path: Path | None = None) -> Vocabularies:
    return load_yaml_model(path or data_path("questionnaires", VOCABULARIES_FILE), Vocabularies)
