"""Validate a vendor's domain before anything looks it up (a name, never a URL, a port or a path), and find the
domain a registry holds for it.

Which check asks about which name (docs/enrichment.md, "Which name each check asks about"): DNS and web checks
are about the host the questionnaire gives (``app.vendor.com``: its SPF, its DMARC, its certificate); RDAP and
WHOIS are about the registration, which a registry holds for the registrable domain (``vendor.com``). Both
come from the Public Suffix List snapshot bundled with ``publicsuffixlist``, read from the package, never
fetched.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class DomainError(ValueError):
    """The text is not a domain name riskengine will look up."""


class NotRegistrable(ValueError):
    """No registry holds a registration for this name that is the vendor's own; the message says why."""


def normalise_domain(text: str) -> str:
    """The ASCII (IDNA 2008, via the ``idna`` package) form of a domain name, lower case.

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


@functools.cache
def _suffix_list(*, only_icann: bool) -> PublicSuffixList:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(only_icann=only_icann)  # the snapshot bundled with the package: no network


def organisational_domain(name: str) -> str:
    """The registrable domain of ``name`` by the whole Public Suffix List, private section included (RFC 7489
    §3.2, DMARC's organisational domain): ``mail.vendor.co.uk`` -> ``vendor.co.uk``, ``shop.vendor.github.io``
    -> ``vendor.github.io``. A name the list knows no suffix of is its own organisational domain."""
    name = name.rstrip(".").lower()
    if name.count(".") <= 1:
        return name  # two labels: nothing above it can be registrable (or the list says so anyway)
    registrable = _suffix_list(only_icann=False).privatesuffix(name)
    return str(registrable) if registrable else name


def registered_domain(name: str) -> str:
    """The domain a registry holds the registration of for ``name`` (a normalised domain): the registrable
    domain by the ICANN section of the Public Suffix List. ``app.vendor.com`` -> ``vendor.com``,
    ``shop.vendor.co.uk`` -> ``vendor.co.uk``; an unknown top-level domain counts as one label
    (``app.vendor.test`` -> ``vendor.test``).

    Raises ``NotRegistrable`` for a public suffix itself (``co.uk``) and for a name under a private-section
    suffix (``vendor.github.io``, ``shop.myshopify.com``): there the registry holds only the platform's own
    domain (``github.io``), whose age and registrar say nothing about the vendor, so they must not be read as
    the vendor's.
    """
    name = name.rstrip(".").lower()
    registry_held = _suffix_list(only_icann=True).privatesuffix(name)
    if not registry_held:
        raise NotRegistrable(f"{name} is a public suffix (Public Suffix List): no one registers it")
    organisational = _suffix_list(only_icann=False).privatesuffix(name)
    if organisational and organisational != registry_held:
        platform = organisational.partition(".")[2]
        raise NotRegistrable(f"{name} sits under {platform}, a suffix its operator hands out (Public Suffix List, "
                             f"private section): the registry holds {registry_held}, the operator's domain, not "
                             "the vendor's")
    return str(registry_held)
