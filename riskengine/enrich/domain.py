"""Validate a vendor's domain before anything looks it up: a name, never a URL, a port or a path."""

from __future__ import annotations

import re

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class DomainError(ValueError):
    """The text is not a domain name riskengine will look up."""


def normalise_domain(text: str) -> str:
    """The ASCII (IDNA 2008, via the ``idna`` package) form of a registrable domain name, lower case.

    Mixed case and international names (``Bücher.de``) are accepted; a scheme, port, path, user or query
    is refused outright, so a questionnaire answer cannot steer a lookup. A trailing dot is allowed.
    """
    import idna

    candidate = text.strip().rstrip(".")
    if not candidate:
        raise DomainError("empty domain")
    if any(ch in candidate for ch in "/:@?#[]\\ \t\n%"):
        raise DomainError(f"{text!r} is not a bare domain name (no scheme, port, path or spaces)")
    try:
        ascii_name = idna.encode(candidate, uts46=True).decode("ascii").lower()
    except idna.IDNAError as exc:
        raise DomainError(f"{text!r} is not a valid internationalised domain name ({exc})") from None
    if len(ascii_name) > 253:
        raise DomainError(f"{text!r} is longer than 253 characters")
    labels = ascii_name.split(".")
    if len(labels) < 2:
        raise DomainError(f"{text!r} has no top-level domain")
    for label in labels:
        if not _LABEL.match(label):
            raise DomainError(f"{text!r} has an invalid label {label!r}")
    if labels[-1].isdigit():
        raise DomainError(f"{text!r} looks like an IP address, not a domain")
    return ascii_name
