"""SPF (RFC 7208) read the way a receiver reads it, for mail from a sender the record does not list.

What a vendor assessment asks of SPF is not "does this address pass?" but "what does a receiver do with
mail in this domain's name from anyone else?": the result ``check_host()`` gives a sender that no ``ip4``,
``ip6``, ``a``, ``mx``, ``ptr`` or ``exists`` mechanism lists. That sender makes a receiver evaluate every
term up to the one that matches (an ``all``, or an ``include`` whose own policy passes everyone), so the
DNS lookup limits are counted over exactly that walk.

What is checked, with the RFC's sections:

- record selection: ``v=spf1`` exactly at the start, then a space or the end; none -> ``none``, more than
  one -> ``permerror`` (§4.5);
- the syntax of every term, before anything is evaluated (§4.6, §12): mechanisms and their qualifiers,
  ``ip4``/``ip6`` networks and CIDR lengths, domain-specs and macros (§7.1; ``c``, ``r``, ``t`` only in
  ``exp``, §7.2), modifiers (``redirect`` and ``exp`` at most once each, unknown modifiers ignored, §6);
- the limits (§4.6.4): at most 10 terms that query DNS (``include``, ``a``, ``mx``, ``ptr``, ``exists``,
  ``redirect``), at most 10 MX hosts behind one ``mx``, at most 2 void lookups (NXDOMAIN or no answer);
- ``include`` (§5.2: its ``none`` is a ``permerror``, its ``pass`` a match), ``redirect`` (§6.1: ignored
  when the record has an ``all``; its ``none`` is a ``permerror``), ``exp`` never changes the result (§6.2);
- a DNS failure ends the evaluation in ``temperror`` (§4.4, §5).

Macros that need the sender or the connection (``%{i}``, ``%{s}``, ``%{l}``, ``%{h}`` ...) cannot be expanded
without one: such a term is counted (it still costs a lookup) but not resolved; ``%{d}`` and ``%{o}`` are
expanded (the domain, and the sender's domain, which is the vendor's). A ``redirect`` that needs the
sender makes the result unknown, never guessed.

Why our own evaluator (DESIGN habit 14): pyspf evaluates one connection (client address, HELO, sender) and
does its DNS through module-level functions, so it can neither ask our resolver (a test or mirror server on
another port, behind the address guard, within the vendor's deadline) nor answer for an unlisted sender
without an address to test; checkdmarc asks its own resolver on port 53. The rules are few enough to write
down here, each beside its section.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from riskengine.enrich.resolver import Outcome, absolute

__all__ = ["LOOKUP_LIMIT", "MX_HOST_LIMIT", "VOID_LOOKUP_LIMIT", "Evaluation", "Result", "SpfSyntaxError", "Term",
           "evaluate", "expand_macros", "is_spf_record", "parse_record"]

Result = Literal["pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"]
Ask = Callable[[str, str], Outcome]

LOOKUP_LIMIT = 10
"""RFC 7208 §4.6.4: include, a, mx, ptr, exists and redirect together at most 10 in one evaluation."""
MX_HOST_LIMIT = 10
"""RFC 7208 §4.6.4: one ``mx`` may not need more than 10 address lookups (one per MX host)."""
VOID_LOOKUP_LIMIT = 2
"""RFC 7208 §4.6.4: lookups answered NXDOMAIN or with no records, at most 2 (the recommended default)."""

QUALIFIERS: dict[str, Result] = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}
"""RFC 7208 §4.6.2: the result a matching mechanism gives, by its qualifier (``+`` when none is written)."""
_MECHANISMS = frozenset({"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"})
_SENDER_MACROS = frozenset("slihpv")
"""Macro letters whose value depends on the sender or the connection (§7.3): not known to an assessment."""
_EXP_ONLY_MACROS = frozenset("crt")

_VERSION = re.compile(r"v=spf1(?: |$)", re.IGNORECASE)
_MODIFIER = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*)=(.*)", re.DOTALL)
_MACRO_EXPAND = re.compile(r"%\{([A-Za-z])(\d*)([rR]?)([.\-+,/_=]*)\}|%%|%_|%-")
_MACRO_LITERAL = re.compile(r"[\x21-\x24\x26-\x7e]+")
_TOPLABEL = re.compile(r"(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9])")
_QNUM = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])"
_IP4 = re.compile(rf"{_QNUM}(?:\.{_QNUM}){{3}}")
_CIDR4 = r"/(?:3[0-2]|[12][0-9]|[1-9]|0)"
_CIDR6 = r"/(?:12[0-8]|1[01][0-9]|[1-9][0-9]|[0-9])"
_DUAL_CIDR = re.compile(rf"(?P<four>{_CIDR4})?(?P<six>/{_CIDR6})?$")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


class SpfSyntaxError(ValueError):
    """A record that breaks RFC 7208's grammar: receivers return permerror without evaluating it (§4.6)."""


@dataclass(frozen=True)
class Term:
    """One term of a record: a mechanism (with its qualifier) or a modifier."""

    text: str
    name: str
    """Lower case: ``all``, ``include``, ... for mechanisms; ``redirect``, ``exp`` or any name for modifiers."""
    modifier: bool
    qualifier: str = "+"
    domain_spec: str | None = None
    """The domain-spec as written (macros unexpanded), when the term has one."""


@dataclass
class Evaluation:
    """What ``check_host()`` gives an unlisted sender, and the DNS answers that led there."""

    result: Result | None = None
    """None when the answer depends on the sender (a ``redirect`` built from a sender macro)."""
    reason: str = ""
    record: str | None = None
    """The domain's own SPF record, as published."""
    records: list[str] = field(default_factory=list)
    """Every TXT record at the domain that is an SPF record (more than one is a permerror)."""
    decided_by: str | None = None
    """The term that matched (``-all``, ``~all`` through a redirect, ``include:x`` that passes everyone)."""
    lookups: int = 0
    """DNS-querying terms evaluated (§4.6.4); counting stops at the first one over the limit."""
    void_lookups: int = 0
    limit_exceeded: bool = False
    """Whether the 10-lookup limit was exceeded (the permerror's cause)."""
    notes: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


class _Stop(Exception):
    def __init__(self, result: Result | None, reason: str) -> None:
        super().__init__(reason)
        self.result: Result | None = result
        self.reason = reason


# --------------------------------------------------------------------------------------------- syntax


def is_spf_record(text: str) -> bool:
    """Whether a TXT record is an SPF record: ``v=spf1`` at its very start, then a space or its end (§4.5).

    A record that begins with a space, or ``v=spf10``, is not one: receivers discard it.
    """
    return _VERSION.match(text) is not None


def parse_record(text: str) -> list[Term]:
    """The terms of an SPF record; raises SpfSyntaxError naming the first term that breaks the grammar.

    Terms are separated by one or more spaces (§4.6.1, §12: ``1*SP``); a tab or other character is part of a
    term and so a syntax error. ``redirect`` and ``exp`` may each appear once (§6).
    """
    if not is_spf_record(text):
        raise SpfSyntaxError("the record does not begin with v=spf1 (RFC 7208 §4.5)")
    terms = [_parse_term(token) for token in text[len("v=spf1"):].split(" ") if token]
    for name in ("redirect", "exp"):
        if sum(1 for term in terms if term.modifier and term.name == name) > 1:
            raise SpfSyntaxError(f"the {name}= modifier appears more than once (RFC 7208 §6)")
    return terms


def _parse_term(token: str) -> Term:
    modifier = _MODIFIER.fullmatch(token)
    if modifier is not None:
        return _parse_modifier(token, modifier.group(1).lower(), modifier.group(2))
    qualifier = token[0] if token[0] in QUALIFIERS else "+"
    body = token[1:] if token[0] in QUALIFIERS else token
    name = re.split(r"[:/]", body, maxsplit=1)[0].lower()
    if name not in _MECHANISMS:
        raise SpfSyntaxError(f"{token!r} is not a mechanism or a modifier (RFC 7208 §5: unknown mechanisms are a "
                             f"permanent error)")
    rest = body[len(name):]
    if name == "all":
        if rest:
            raise SpfSyntaxError(f"{token!r}: 'all' takes no argument (RFC 7208 §5.1)")
        return Term(token, name, False, qualifier)
    if name in ("ip4", "ip6"):
        _check_network(token, name, rest)
        return Term(token, name, False, qualifier)
    if name in ("include", "exists"):
        if not rest.startswith(":") or len(rest) == 1:
            raise SpfSyntaxError(f"{token!r}: {name} needs ':' and a domain (RFC 7208 §5.2, §5.7)")
        _check_domain_spec(token, rest[1:])
        return Term(token, name, False, qualifier, rest[1:])
    spec = rest
    if name in ("a", "mx"):
        cidr = _DUAL_CIDR.search(rest)
        spec = rest[:cidr.start()] if cidr is not None else rest
    if not spec:
        return Term(token, name, False, qualifier)
    if not spec.startswith(":") or len(spec) == 1:
        raise SpfSyntaxError(f"{token!r}: expected ':domain' or a CIDR length after {name} (RFC 7208 §5.3-§5.5)")
    _check_domain_spec(token, spec[1:])
    return Term(token, name, False, qualifier, spec[1:])


def _parse_modifier(token: str, name: str, value: str) -> Term:
    if name in ("redirect", "exp"):
        if name == "exp" and not value:
            return Term(token, name, True)  # §6.2: an empty exp is as if none were given
        _check_domain_spec(token, value)
        return Term(token, name, True, "", value)
    _macro_tokens(token, value)  # unknown modifiers are ignored, but must be well formed (§6)
    return Term(token, name, True)


def _check_network(token: str, name: str, rest: str) -> None:
    if not rest.startswith(":"):
        raise SpfSyntaxError(f"{token!r}: {name} needs ':' and a network (RFC 7208 §5.6)")
    address, slash, length = rest[1:].partition("/")
    if name == "ip4":
        if not _IP4.fullmatch(address) or (slash and not re.fullmatch(_CIDR4, "/" + length)):
            raise SpfSyntaxError(f"{token!r} is not an IPv4 network with an optional /0-/32 (RFC 7208 §5.6)")
        return
    valid = re.fullmatch(r"[0-9A-Fa-f:.]+", address) is not None
    if valid:
        try:
            ipaddress.IPv6Address(address)
        except ValueError:
            valid = False
    if not valid or (slash and not re.fullmatch(_CIDR6, "/" + length)):
        raise SpfSyntaxError(f"{token!r} is not an IPv6 network with an optional /0-/128 (RFC 7208 §5.6)")


def _macro_tokens(token: str, text: str) -> list[tuple[str, re.Match[str] | None]]:
    """``text`` as macro-expands and literal runs (§7.1); raises on a ``%`` that starts neither."""
    pieces: list[tuple[str, re.Match[str] | None]] = []
    position = 0
    while position < len(text):
        expand = _MACRO_EXPAND.match(text, position)
        if expand is not None:
            letter = (expand.group(1) or "").lower()
            if expand.group(1) is not None and letter not in "slodiphcrtv":
                raise SpfSyntaxError(f"{token!r}: %{{{expand.group(1)}}} is not a macro (RFC 7208 §7.1)")
            if expand.group(2) and int(expand.group(2)) == 0:
                raise SpfSyntaxError(f"{token!r}: a macro may not keep zero labels (RFC 7208 §7.3)")
            pieces.append((expand.group(0), expand))
            position = expand.end()
            continue
        literal = _MACRO_LITERAL.match(text, position)
        if literal is None:
            raise SpfSyntaxError(f"{token!r}: {text[position:position + 12]!r} is not a valid macro or character "
                                 f"(RFC 7208 §7.1)")
        pieces.append((literal.group(0), None))
        position = literal.end()
    return pieces


def _check_domain_spec(token: str, spec: str) -> None:
    """domain-spec = macro-string domain-end, where domain-end is "." toplabel ["."] or a macro (§7.1)."""
    if not spec:
        raise SpfSyntaxError(f"{token!r} names no domain (RFC 7208 §7.1)")
    pieces = _macro_tokens(token, spec)
    for _, expand in pieces:
        if expand is not None and (expand.group(1) or "").lower() in _EXP_ONLY_MACROS:
            raise SpfSyntaxError(f"{token!r}: the c, r and t macros are allowed only in exp text (RFC 7208 §7.2)")
    last, last_expand = pieces[-1]
    if last_expand is not None:
        return
    tail = last[:-1] if last.endswith(".") else last
    label = tail.rsplit(".", 1)
    if len(label) != 2 or not _TOPLABEL.fullmatch(label[1]):
        raise SpfSyntaxError(f"{token!r}: {spec!r} does not end in a domain name's top label (RFC 7208 §7.1: "
                             f"a name such as 192.0.2.1 or localhost is not a domain-spec)")


# --------------------------------------------------------------------------------------------- evaluation


def evaluate(domain: str, ask: Ask) -> Evaluation:
    """``check_host()`` for ``domain`` and a sender that its SPF record does not list.

    ``ask(name, type)`` answers one DNS question (``riskengine.enrich.resolver.Lookup.ask``); every answer
    read is kept in ``outcomes``. Never raises for what the DNS says: the result carries it.
    """
    walk = _Walk(ask, domain.rstrip(".").lower())
    evaluation = walk.evaluation
    try:
        result, decided_by = walk.check_host(walk.sender_domain, depth=0)
    except _Stop as stop:
        evaluation.result, evaluation.reason = stop.result, stop.reason
        return evaluation
    evaluation.result, evaluation.decided_by = result, decided_by
    evaluation.reason = _explain(result, decided_by, walk.sender_domain)
    return evaluation


def _explain(result: Result, decided_by: str | None, domain: str) -> str:
    if result == "none":
        return f"no SPF record at {domain}"
    if decided_by is None:
        return f"no mechanism matches an unlisted sender and there is no redirect: {result} (RFC 7208 §4.7)"
    effect = {"fail": "refused", "softfail": "accepted but marked as suspect", "neutral": "given a neutral result",
              "pass": "accepted: anyone may send as this domain"}[result]
    return f"{decided_by}: mail from unlisted senders is {effect} ({result})"


class _Walk:
    """One evaluation's state: the lookup and void counts shared by every include and redirect."""

    def __init__(self, ask: Ask, sender_domain: str) -> None:
        self.ask = ask
        self.sender_domain = sender_domain
        self.evaluation = Evaluation()

    def question(self, name: str, record_type: str) -> Outcome:
        outcome = self.ask(absolute(name), record_type)
        self.evaluation.outcomes.append(outcome)
        if outcome.failed:
            raise _Stop("temperror", f"{outcome.query}: {outcome.error} (temperror, RFC 7208 §4.4)")
        return outcome

    def check_host(self, domain: str, depth: int) -> tuple[Result, str | None]:
        """The result for ``domain`` and the term that decided it (None for none or the §4.7 default)."""
        outcome = self.question(domain, "TXT")
        records = [text for text in outcome.texts() if is_spf_record(text)]
        if depth == 0:
            self.evaluation.records = records
            self.evaluation.record = records[0] if len(records) == 1 else None
            lookalikes = [text for text in outcome.texts() if not is_spf_record(text)
                          and text.strip().lower().startswith("v=spf1")]
            if lookalikes and not records:
                self.evaluation.notes.append(f"{lookalikes[0]!r} is not an SPF record: one must begin with v=spf1 "
                                             f"at its very start, then a space or its end (RFC 7208 §4.5)")
        if not records:
            return "none", None
        if len(records) > 1:
            raise _Stop("permerror", f"{len(records)} SPF records at {domain} (permerror, RFC 7208 §4.5)")
        try:
            terms = parse_record(records[0])
        except SpfSyntaxError as exc:
            where = "" if depth == 0 else f" in the record of {domain}"
            raise _Stop("permerror", f"{exc}{where} (permerror)") from None
        if depth == 0 and any(term.modifier and term.name == "exp" for term in terms):
            self.evaluation.notes.append("exp= only explains a fail to the sender; it changes no result (RFC 7208 "
                                         "§6.2)")
        return self.run_terms(domain, terms, depth)

    def run_terms(self, domain: str, terms: list[Term], depth: int) -> tuple[Result, str | None]:
        through = "" if depth == 0 else f" (at {domain})"
        for term in terms:
            if term.modifier:
                continue
            if term.name == "all":
                return QUALIFIERS[term.qualifier], f"{term.text}{through}"
            if term.name in ("ip4", "ip6"):
                continue
            self.count(term, domain)
            if term.name == "include":
                if self.include_passes(term, domain, depth):
                    return QUALIFIERS[term.qualifier], f"{term.text}{through}, whose policy passes every sender"
            else:
                self.probe(term, domain)
        redirect = next((term for term in terms if term.modifier and term.name == "redirect"), None)
        if redirect is None:
            return "neutral", None
        self.count(redirect, domain)
        target = self.expand(redirect, domain)
        if target is None:
            raise _Stop(None, f"{redirect.text} depends on the sender, so the result for an unlisted sender "
                              f"cannot be told")
        result, decided_by = self.check_host(target, depth + 1)
        if result == "none":
            raise _Stop("permerror", f"{redirect.text} leads to no SPF record (permerror, RFC 7208 §6.1)")
        return result, decided_by

    def count(self, term: Term, domain: str) -> None:
        evaluation = self.evaluation
        evaluation.lookups += 1
        if evaluation.lookups > LOOKUP_LIMIT:
            evaluation.limit_exceeded = True
            raise _Stop("permerror", f"more than {LOOKUP_LIMIT} DNS-querying terms ({term.text} at {domain} is the "
                                     f"{evaluation.lookups}th) (permerror, RFC 7208 §4.6.4)")

    def void(self, term: Term, outcome: Outcome) -> None:
        evaluation = self.evaluation
        evaluation.void_lookups += 1
        if evaluation.void_lookups > VOID_LOOKUP_LIMIT:
            raise _Stop("permerror", f"more than {VOID_LOOKUP_LIMIT} void lookups ({term.text}: {outcome.name} "
                                     f"{_emptiness(outcome)}) (permerror, RFC 7208 §4.6.4)")

    def include_passes(self, term: Term, domain: str, depth: int) -> bool:
        target = self.expand(term, domain)
        if target is None:
            self.evaluation.notes.append(f"{term.text} depends on the sender: counted, not evaluated")
            return False
        result, _ = self.check_host(target, depth + 1)
        if result == "none":
            raise _Stop("permerror", f"{term.text} leads to no SPF record (permerror, RFC 7208 §5.2)")
        return result == "pass"

    def probe(self, term: Term, domain: str) -> None:
        """The lookups of ``a``, ``mx``, ``ptr`` and ``exists``: they never match an unlisted sender, but they
        count towards the void-lookup limit, and an ``mx`` may have too many hosts."""
        if term.name == "ptr":
            self.evaluation.notes.append(f"{term.text}: ptr SHOULD NOT be used (RFC 7208 §5.5); it depends on the "
                                         f"sender's address, so it is counted, not evaluated")
            return
        target = self.expand(term, domain)
        if target is None:
            self.evaluation.notes.append(f"{term.text} depends on the sender: counted, not evaluated")
            return
        if term.name == "mx":
            outcome = self.question(target, "MX")
            hosts = [record for record in outcome.records if str(getattr(record, "exchange", ".")) != "."]
            if outcome.void:
                self.void(term, outcome)
            if len(hosts) > MX_HOST_LIMIT:
                raise _Stop("permerror", f"{term.text}: {target} has {len(hosts)} MX hosts, more than the "
                                         f"{MX_HOST_LIMIT} address lookups one mx may need (permerror, "
                                         f"RFC 7208 §4.6.4)")
            return
        outcome = self.question(target, "A")
        if outcome.void and term.name == "a":
            outcome = self.question(target, "AAAA")  # a name with only IPv6 addresses is not void
        if outcome.void:
            self.void(term, outcome)

    def expand(self, term: Term, domain: str) -> str | None:
        """The term's target name (the current domain when it names none); None when it needs the sender."""
        if term.domain_spec is None:
            return domain
        expanded = expand_macros(term.domain_spec, domain=domain, sender_domain=self.sender_domain)
        if expanded is None:
            return None
        name = _trim(expanded.rstrip("."))
        if not name or not all(_LABEL.fullmatch(label) for label in name.split(".")) or "." not in name:
            raise _Stop("permerror", f"{term.text}: {name!r} is not a domain name (permerror, RFC 7208 §4.8)")
        return name.lower()


def expand_macros(spec: str, *, domain: str, sender_domain: str) -> str | None:
    """``spec`` with its macros expanded (RFC 7208 §7.3), or None when one needs the sender or connection.

    Only ``%{d}`` (the current domain) and ``%{o}`` (the sender's domain: the vendor's own) are known to an
    assessment; the transformers (a number of labels to keep from the right, ``r`` to reverse, delimiters)
    apply to them as §7.3 says.
    """
    out: list[str] = []
    for text, expand in _macro_tokens(spec, spec):
        if expand is None:
            out.append(text)
        elif text in ("%%", "%_", "%-"):
            out.append({"%%": "%", "%_": " ", "%-": "%20"}[text])
        else:
            letter = expand.group(1).lower()
            if letter in _SENDER_MACROS:
                return None
            value = domain if letter == "d" else sender_domain
            out.append(_transform(value, expand.group(2), bool(expand.group(3)), expand.group(4)))
    return "".join(out)


def _transform(value: str, digits: str, reverse: bool, delimiters: str) -> str:
    parts = re.split("[" + re.escape(delimiters or ".") + "]", value)
    if reverse:
        parts.reverse()
    if digits:
        parts = parts[-int(digits):]  # never zero: the syntax check refuses %{d0}
    return ".".join(parts)


def _trim(name: str) -> str:
    """§7.3: a name longer than 253 characters loses labels from the left until it fits."""
    while len(name) > 253 and "." in name:
        name = name.split(".", 1)[1]
    return name


def _emptiness(outcome: Outcome) -> str:
    return "does not exist" if outcome.state == "NXDOMAIN" else f"has no {outcome.record_type} record"
