"""The conformance cases: SPF (RFC 7208), DMARC (RFC 7489, RFC 9091), registration replies per registry, and
security headers (the MDN HTTP Observatory's method, or browsers where they differ).

Each case is data: what the test servers on 127.0.0.1 serve, the verdict the RFC text gives, and the
section it comes from. The tests in ``test_conformance_*.py`` serve every case; ``docs/enrichment.md`` lists
them in tables a test keeps in step (``python -m tests.enrich.conformance`` prints the tables).

The cases were written from the RFCs and from the registries' published reply layouts; where a peer checker
reads a case otherwise, ``peer`` says which and why.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

Zone = dict[tuple[str, str], list[str]]


def absolute_zone(zone: Zone, domain: str) -> Zone:
    """A case's zone with ``@`` as its domain, relative names under it, ``{d}`` in data replaced by it."""
    resolved: Zone = {}
    for (name, record_type), data in zone.items():
        owner = domain + "." if name == "@" else name if name.endswith(".") else f"{name}.{domain}."
        resolved[(owner, record_type)] = [re.sub(r"(?<!%)\{d\}", domain, item) for item in data]  # not %{d}
    return resolved


# --------------------------------------------------------------------------------------------- SPF


@dataclass(frozen=True)
class SpfCase:
    id: str
    zone: Zone
    result: str | None
    """dns.spf.result's value; None when the result cannot be told (a temperror, or it needs the sender)."""
    reason: str
    """A piece of the evidence's reason that says why."""
    section: str
    lookups: int | None = None
    peer: str = ""

    @property
    def domain(self) -> str:
        return f"{self.id}.spf.test"

    @property
    def record(self) -> str:
        return _zone_cell(self.zone)


def _includes(count: int) -> Zone:
    zone: Zone = {("@", "TXT"): ["v=spf1 " + " ".join(f"include:i{n}.{{d}}" for n in range(1, count + 1)) + " -all"]}
    zone.update({(f"i{n}", "TXT"): [f"v=spf1 ip4:192.0.2.{n} ~all"] for n in range(1, count + 1)})
    return zone


CHECKDMARC = "checkdmarc (6.x)"

SPF_CASES: tuple[SpfCase, ...] = (
    SpfCase("minus-all", {("@", "TXT"): ["v=spf1 -all"]}, "fail", "-all: mail from unlisted senders is refused",
            "§5.1", lookups=0),
    SpfCase("tilde-all", {("@", "TXT"): ["v=spf1 ip4:192.0.2.0/24 ~all"]}, "softfail", "~all", "§5.1"),
    SpfCase("question-all", {("@", "TXT"): ["v=spf1 ?all"]}, "neutral", "?all", "§4.6.2"),
    SpfCase("plus-all", {("@", "TXT"): ["v=spf1 +all"]}, "pass", "anyone may send", "§4.6.2"),
    SpfCase("bare-all", {("@", "TXT"): ["v=spf1 all"]}, "pass", "anyone may send", "§4.6.2 (no qualifier is +)"),
    SpfCase("no-all", {("@", "TXT"): ["v=spf1 ip4:192.0.2.0/24"]}, "neutral", "no mechanism matches", "§4.7"),
    SpfCase("no-record", {("@", "TXT"): ["google-site-verification=abc"]}, "none", "no SPF record", "§4.5"),
    SpfCase("no-name", {}, "none", "no SPF record", "§4.3, §4.5"),
    SpfCase("two-records", {("@", "TXT"): ["v=spf1 -all", "v=spf1 ~all"]}, "permerror", "2 SPF records", "§4.5"),
    SpfCase("leading-space", {("@", "TXT"): [" v=spf1 -all"]}, "none", "must begin with v=spf1 at its very start",
            "§4.5"),
    SpfCase("version-spf10", {("@", "TXT"): ["v=spf10 -all"]}, "none", "no SPF record", "§4.5"),
    SpfCase("upper-case", {("@", "TXT"): ["V=SPF1 IP4:192.0.2.1 -ALL"]}, "fail", "-ALL", "§4.6.1, §12 (RFC 5234 "
            "strings are case-insensitive)", peer=f"{CHECKDMARC} matches v=spf1 case-sensitively and finds no record"),
    SpfCase("split-strings", {("@", "TXT"): ['"v=spf1 ip4:192.0.2.0/24 " "-all"']}, "fail", "-all",
            "§3.3 (strings joined without spaces)"),
    SpfCase("many-spaces", {("@", "TXT"): ["v=spf1  ip4:192.0.2.1   -all "]}, "fail", "-all", "§4.6.1 (1*SP)"),
    SpfCase("tab-separator", {("@", "TXT"): ["v=spf1 ip4:192.0.2.1\t-all"]}, "permerror",
            "is not an IPv4 network", "§4.6.1 (terms are separated by SP only)"),
    SpfCase("ip4-bad-octet", {("@", "TXT"): ["v=spf1 ip4:192.0.2.256 -all"]}, "permerror", "not an IPv4 network",
            "§5.6"),
    SpfCase("ip4-cidr-33", {("@", "TXT"): ["v=spf1 ip4:192.0.2.0/33 -all"]}, "permerror", "optional /0-/32", "§5.6"),
    SpfCase("ip4-leading-zero", {("@", "TXT"): ["v=spf1 ip4:192.0.02.1 -all"]}, "permerror", "not an IPv4 network",
            "§5.6, §12 (qnum has no leading zero)"),
    SpfCase("ip6-bad", {("@", "TXT"): ["v=spf1 ip6:2001:db8::g -all"]}, "permerror", "not an IPv6 network", "§5.6"),
    SpfCase("ip6-cidr-129", {("@", "TXT"): ["v=spf1 ip6:2001:db8::/129 -all"]}, "permerror", "optional /0-/128",
            "§5.6"),
    SpfCase("ip-networks", {("@", "TXT"): ["v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ip6:::ffff:192.0.2.1 -all"]},
            "fail", "-all", "§5.6", lookups=0),
    SpfCase("unknown-mechanism", {("@", "TXT"): ["v=spf1 foo:bar -all"]}, "permerror",
            "is not a mechanism or a modifier", "§5"),
    SpfCase("unknown-modifier", {("@", "TXT"): ["v=spf1 foo=bar -all"]}, "fail", "-all", "§6 (ignored)"),
    SpfCase("bad-macro-letter", {("@", "TXT"): ["v=spf1 include:%{z}.example.com -all"]}, "permerror",
            "is not a macro", "§7.1"),
    SpfCase("unclosed-macro", {("@", "TXT"): ["v=spf1 exists:%{i._spf.example.com -all"]}, "permerror",
            "not a valid macro", "§7.1"),
    SpfCase("macro-c-outside-exp", {("@", "TXT"): ["v=spf1 exists:%{c}.example.com -all"]}, "permerror",
            "only in exp", "§7.2"),
    SpfCase("macro-zero-labels", {("@", "TXT"): ["v=spf1 include:%{d0}.example.com -all"]}, "permerror",
            "zero labels", "§7.3"),
    SpfCase("a-ip-literal", {("@", "TXT"): ["v=spf1 a:192.0.2.1 -all"]}, "permerror", "top label", "§7.1 "
            "(domain-end is a toplabel: not all digits)"),
    SpfCase("all-argument", {("@", "TXT"): ["v=spf1 all:example.com"]}, "permerror", "takes no argument", "§5.1"),
    SpfCase("include-empty", {("@", "TXT"): ["v=spf1 include: -all"]}, "permerror", "needs ':' and a domain",
            "§5.2"),
    SpfCase("error-after-all", {("@", "TXT"): ["v=spf1 -all foo:bar"]}, "permerror", "not a mechanism", "§4.6 "
            "(syntax errors anywhere)", peer=f"{CHECKDMARC} drops the text after all before checking the syntax "
            "(a warning, no error)"),
    SpfCase("include-softfail", {("@", "TXT"): ["v=spf1 include:_inc.{d} -all"],
                                 ("_inc", "TXT"): ["v=spf1 ip4:192.0.2.0/24 ~all"]}, "fail", "-all", "§5.2",
            lookups=1),
    SpfCase("include-plus-all", {("@", "TXT"): ["v=spf1 include:_inc.{d} -all"],
                                 ("_inc", "TXT"): ["v=spf1 +all"]}, "pass", "whose policy passes every sender",
            "§5.2 (an include that passes matches)"),
    SpfCase("include-none", {("@", "TXT"): ["v=spf1 include:_missing.{d} -all"]}, "permerror",
            "leads to no SPF record", "§5.2"),
    SpfCase("include-broken", {("@", "TXT"): ["v=spf1 include:_inc.{d} -all"],
                               ("_inc", "TXT"): ["v=spf1 ip4:999.0.0.1 -all"]}, "permerror",
            "in the record of _inc", "§5.2"),
    SpfCase("redirect", {("@", "TXT"): ["v=spf1 redirect=_r.{d}"], ("_r", "TXT"): ["v=spf1 -all"]}, "fail",
            "-all (at _r.", "§6.1", lookups=1),
    SpfCase("redirect-after-all", {("@", "TXT"): ["v=spf1 ?all redirect=_r.{d}"], ("_r", "TXT"): ["v=spf1 -all"]},
            "neutral", "?all", "§6.1 (ignored beside all)", lookups=0),
    SpfCase("redirect-none", {("@", "TXT"): ["v=spf1 redirect=_missing.{d}"]}, "permerror",
            "leads to no SPF record (permerror, RFC 7208 §6.1)", "§6.1"),
    SpfCase("two-redirects", {("@", "TXT"): ["v=spf1 redirect=_a.{d} redirect=_b.{d}"]}, "permerror",
            "more than once", "§6"),
    SpfCase("redirect-macro-d", {("@", "TXT"): ["v=spf1 redirect=_spf.%{d}"], ("_spf", "TXT"): ["v=spf1 ~all"]},
            "softfail", "~all (at _spf.", "§7.3", lookups=1),
    SpfCase("redirect-sender-macro", {("@", "TXT"): ["v=spf1 redirect=%{l}._spf.{d}"]}, None,
            "depends on the sender", "§7.3 (needs the sender's local part)"),
    SpfCase("exp-ignored", {("@", "TXT"): ["v=spf1 exp=explain.{d} -all"],
                            ("explain", "TXT"): ["%{i} is not one of our senders"]}, "fail",
            "changes no result", "§6.2", lookups=0),
    SpfCase("ten-lookups", _includes(10), "fail", "-all", "§4.6.4", lookups=10),
    SpfCase("eleven-lookups", _includes(11), "permerror", "more than 10 DNS-querying terms", "§4.6.4", lookups=11),
    SpfCase("ptr-counts", {**_includes(10), ("@", "TXT"): [
        "v=spf1 ptr " + " ".join(f"include:i{n}.{{d}}" for n in range(1, 11)) + " -all"]}, "permerror",
        "include:i10.", "§4.6.4, §5.5", lookups=11,
        peer=f"{CHECKDMARC} does not count ptr, so finds 10 lookups and no error"),
    SpfCase("mx-counts-once", {("@", "TXT"): ["v=spf1 mx -all"],
                               ("@", "MX"): [f"{n} mx{n}.{{d}}." for n in range(1, 6)]}, "fail", "-all",
            "§4.6.4 (the MX query is one term)", lookups=1,
            peer=f"{CHECKDMARC} adds one lookup per MX host and counts 6"),
    SpfCase("mx-ten-hosts", {("@", "TXT"): ["v=spf1 mx -all"],
                             ("@", "MX"): [f"{n} mx{n}.{{d}}." for n in range(1, 11)]}, "fail", "-all", "§4.6.4",
            lookups=1),
    SpfCase("mx-eleven-hosts", {("@", "TXT"): ["v=spf1 mx -all"],
                                ("@", "MX"): [f"{n} mx{n}.{{d}}." for n in range(1, 12)]}, "permerror",
            "has 11 MX hosts", "§4.6.4"),
    SpfCase("two-void-lookups", {("@", "TXT"): ["v=spf1 a:v1.{d} a:v2.{d} -all"]}, "fail", "-all", "§4.6.4",
            lookups=2),
    SpfCase("three-void-lookups", {("@", "TXT"): ["v=spf1 a:v1.{d} mx:v2.{d} exists:v3.{d} -all"]}, "permerror",
            "more than 2 void lookups", "§4.6.4"),
    SpfCase("a-ipv6-only", {("@", "TXT"): ["v=spf1 a a/24//64 -all"], ("@", "AAAA"): ["2001:db8::25"]}, "fail",
            "(limit 10; 0 void)", "§5.3 (a name with only AAAA is not void)", lookups=2),
    SpfCase("exists-sender-macro", {("@", "TXT"): ["v=spf1 exists:%{i}._bl.{d} -all"]}, "fail",
            "depends on the sender", "§5.7", lookups=1),
    SpfCase("ptr-discouraged", {("@", "TXT"): ["v=spf1 ptr -all"]}, "fail", "ptr SHOULD NOT be used", "§5.5",
            lookups=1),
    SpfCase("include-loop", {("@", "TXT"): ["v=spf1 include:{d} -all"]}, "permerror",
            "more than 10 DNS-querying terms", "§4.6.4", lookups=11),
    SpfCase("include-servfail", {("@", "TXT"): ["v=spf1 include:_broken.{d} -all"]}, None, "SERVFAIL",
            "§4.4, §5.2 (temperror: unknown, never held against the vendor)"),
)
SPF_SERVFAIL = ("_broken.include-servfail.spf.test.", "TXT")


# --------------------------------------------------------------------------------------------- DMARC


@dataclass(frozen=True)
class DmarcCase:
    id: str
    zone: Zone
    """Relative to the case's organisational domain ``<id>.test``."""
    policy: str | None
    """dns.dmarc.policy's value: what every message failing DMARC gets (None: no DMARC applies)."""
    reason: str
    section: str
    queried: str = "@"
    """The name the vendor's domain is, relative to the organisational domain."""
    expected: dict[str, object] = field(default_factory=dict)
    """Other facts' values (dns.dmarc.sp, dns.dmarc.pct, dns.dmarc.rua, dns.dmarc.org_fallback)."""
    unknown: bool = False
    peer: str = ""
    org: str = ""
    """The organisational domain when it is not ``<id>.test``."""

    @property
    def org_domain(self) -> str:
        return self.org or f"{self.id}.test"

    @property
    def domain(self) -> str:
        return self.org_domain if self.queried == "@" else f"{self.queried}.{self.org_domain}"

    @property
    def record(self) -> str:
        return _zone_cell(self.zone)


def _dmarc(text: str) -> Zone:
    return {("_dmarc", "TXT"): [text]}


DMARC_CASES: tuple[DmarcCase, ...] = (
    DmarcCase("dmarc-reject", _dmarc("v=DMARC1; p=reject"), "reject", "mail failing DMARC is refused", "§6.3",
              expected={"dns.dmarc.sp": "reject", "dns.dmarc.pct": 100, "dns.dmarc.org_fallback": False}),
    DmarcCase("dmarc-quarantine", _dmarc("v=DMARC1; p=quarantine"), "quarantine", "quarantined", "§6.3"),
    DmarcCase("dmarc-none", _dmarc("v=DMARC1; p=none; rua=mailto:dmarc@{d}"), "none", "still delivered", "§6.3",
              expected={"dns.dmarc.rua": ("mailto:dmarc@dmarc-none.test",)}),
    DmarcCase("dmarc-missing", {}, None, "no DMARC record at _dmarc.dmarc-missing.test", "§6.6.3"),
    DmarcCase("dmarc-multiple", {("_dmarc", "TXT"): ["v=DMARC1; p=reject", "v=DMARC1; p=none"]}, None,
              "multiple DMARC records (2)", "§6.6.3"),
    DmarcCase("dmarc-v-not-first", _dmarc("p=reject; v=DMARC1"), None, "none beginning with v=DMARC1", "§6.3"),
    DmarcCase("dmarc-leading-space", _dmarc(" v=DMARC1; p=reject"), None, "none beginning with v=DMARC1",
              "§6.4 (no space before v)"),
    DmarcCase("dmarc-version-case", _dmarc("v=dmarc1; p=reject"), None, "none beginning with v=DMARC1",
              "§6.3 (the value must match precisely), §6.4 (%x-coded)"),
    DmarcCase("dmarc-no-separator", _dmarc("v=DMARC1 p=reject"), None, "none beginning with v=DMARC1",
              "§6.4 (dmarc-sep after the version)"),
    DmarcCase("dmarc-tag-case", _dmarc("V=DMARC1; P=Reject"), "reject", "refused",
              "§6.4 (tag names and keywords are case-insensitive)"),
    DmarcCase("dmarc-spaces", _dmarc("v = DMARC1 ; p = reject ;"), "reject", "refused", "§6.4 (*WSP around = and ;)"),
    DmarcCase("dmarc-space-in-value", _dmarc("v=DMARC1; p=re ject; rua=mailto:d@{d}"), "none",
              "act as if p=none", "§6.4, §6.6.3 (invalid p, valid rua)"),
    DmarcCase("dmarc-invalid-p", _dmarc("v=DMARC1; p=block"), None, "apply no DMARC policy", "§6.6.3"),
    DmarcCase("dmarc-missing-p", _dmarc("v=DMARC1; rua=mailto:d@{d}"), "none", "act as if p=none", "§6.6.3"),
    DmarcCase("dmarc-duplicate-p", _dmarc("v=DMARC1; p=reject; p=none"), None, "the p tag appears more than once",
              "§6.4 (each tag once)"),
    DmarcCase("dmarc-duplicate-with-rua", _dmarc("v=DMARC1; p=none; p=reject; rua=mailto:d@{d}"), "none",
              "act as if p=none", "§6.4, §6.6.3"),
    DmarcCase("dmarc-invalid-sp", _dmarc("v=DMARC1; p=reject; sp=maybe"), None, "sp='maybe'", "§6.6.3"),
    DmarcCase("dmarc-sp-none", _dmarc("v=DMARC1; p=reject; sp=none"), "reject", "refused", "§6.3",
              expected={"dns.dmarc.sp": "none"}),
    DmarcCase("dmarc-sp-inherits-p", _dmarc("v=DMARC1; p=quarantine"), "quarantine", "quarantined",
              "§6.3 (no sp: p applies to subdomains)", expected={"dns.dmarc.sp": "quarantine"}),
    DmarcCase("dmarc-pct-0-reject", _dmarc("v=DMARC1; p=reject; pct=0"), "quarantine", "pct=0", "§6.6.4 (mail "
              "not sampled for reject is quarantined)", expected={"dns.dmarc.pct": 0, "dns.dmarc.sp": "quarantine"}),
    DmarcCase("dmarc-pct-0-quarantine", _dmarc("v=DMARC1; p=quarantine; pct=0"), "none", "pct=0",
              "§6.6.4 (mail not sampled for quarantine gets normal handling)"),
    DmarcCase("dmarc-pct-50-reject", _dmarc("v=DMARC1; p=reject; pct=50"), "quarantine", "pct=50", "§6.6.4",
              expected={"dns.dmarc.pct": 50}),
    DmarcCase("dmarc-pct-100", _dmarc("v=DMARC1; p=reject; pct=100"), "reject", "refused", "§6.3"),
    DmarcCase("dmarc-pct-over-100", _dmarc("v=DMARC1; p=reject; pct=150"), None, "pct='150'", "§6.3 (0-100)"),
    DmarcCase("dmarc-rua-not-uri", _dmarc("v=DMARC1; p=reject; rua=dmarc@{d}"), None, "which is not a URI",
              "§6.4 (dmarc-uri is a URI), §6.6.3"),
    DmarcCase("dmarc-rua-size", _dmarc("v=DMARC1; p=reject; rua=mailto:dmarc@{d}!10m"), "reject", "refused",
              "§6.4 (a size limit may follow)", expected={"dns.dmarc.rua": ("mailto:dmarc@dmarc-rua-size.test",)}),
    DmarcCase("dmarc-rua-external-refused", _dmarc("v=DMARC1; p=reject; rua=mailto:r@reports-nobody.test"), "reject",
              "receivers drop it", "§7.1 (the destination must agree)", expected={"dns.dmarc.rua": ()}),
    DmarcCase("dmarc-rua-external-agreed", {
        ("_dmarc", "TXT"): ["v=DMARC1; p=reject; rua=mailto:r@reports-agree.test"],
        ("dmarc-rua-external-agreed.test._report._dmarc.reports-agree.test.", "TXT"): ["v=DMARC1"]}, "reject",
        "refused", "§7.1", expected={"dns.dmarc.rua": ("mailto:r@reports-agree.test",)}),
    DmarcCase("dmarc-fallback-sp", _dmarc("v=DMARC1; p=reject; sp=quarantine"), "quarantine",
              "sp=quarantine", "§6.6.3 (the organisational domain's record, its sp)", queried="mail",
              expected={"dns.dmarc.org_fallback": True}),
    DmarcCase("dmarc-fallback-sp-none", _dmarc("v=DMARC1; p=reject; sp=none"), "none", "sp=none", "§6.6.3",
              queried="mail"),
    DmarcCase("dmarc-fallback-p", _dmarc("v=DMARC1; p=reject"), "reject", "p=reject", "§6.6.3 (no sp: p)",
              queried="mail", expected={"dns.dmarc.org_fallback": True}),
    DmarcCase("dmarc-own-record-wins", {("_dmarc", "TXT"): ["v=DMARC1; p=reject"],
                                        ("_dmarc.mail", "TXT"): ["v=DMARC1; p=none"]}, "none", "still delivered",
              "§6.6.3 (no fallback when the domain has a record)", queried="mail",
              expected={"dns.dmarc.org_fallback": False}),
    DmarcCase("dmarc-multiple-no-fallback", {("_dmarc", "TXT"): ["v=DMARC1; p=reject"],
                                             ("_dmarc.mail", "TXT"): ["v=DMARC1; p=none", "v=DMARC1; p=reject"]},
              None, "multiple DMARC records (2)", "§6.6.3 (fallback only when none is left)", queried="mail"),
    DmarcCase("dmarc-psl", _dmarc("v=DMARC1; p=reject"), "reject", "p=reject",
              "§3.2 (the Public Suffix List: co.uk is a suffix)", queried="mail", org="dmarc-psl.co.uk",
              expected={"dns.dmarc.org_fallback": True}),
    DmarcCase("dmarc-np", _dmarc("v=DMARC1; p=reject; np=none"), "reject", "np=none", "RFC 9091 §4.1"),
    DmarcCase("dmarc-unknown-tag", _dmarc("v=DMARC1; p=reject; psd=n; foo=bar"), "reject", "refused",
              "§6.3 (unknown tags are ignored)"),
    DmarcCase("dmarc-bad-adkim", _dmarc("v=DMARC1; p=reject; adkim=x"), None, "adkim='x'", "§6.3"),
    DmarcCase("dmarc-p-not-second", _dmarc("v=DMARC1; rua=mailto:d@{d}; p=reject"), "reject", "refused",
              "§6.4 (accepted: receivers and DMARCbis take tags in any order)",
              peer="RFC 7489 §6.4's ABNF puts p right after v; we follow receivers, which accept any order"),
    DmarcCase("dmarc-spf-record", _dmarc("v=spf1 -all"), None, "none beginning with v=DMARC1", "§6.6.3"),
    DmarcCase("dmarc-servfail", {}, None, "SERVFAIL", "§6.6.3 (a DNS failure: unknown)", unknown=True),
)
DMARC_SERVFAIL = ("_dmarc.dmarc-servfail.test.", "TXT")


# --------------------------------------------------------------------------------------------- registration


@dataclass(frozen=True)
class WhoisCase:
    id: str
    registry: str
    file: str
    domain: str
    created: dt.date | None
    """The domain's own creation date (None: the registry publishes none)."""
    registrar: str | None
    expires: dt.date | None = None
    note: str = ""


WHOIS_CASES: tuple[WhoisCase, ...] = (
    WhoisCase("gtld-registry", "Verisign .com (thin)", "gtld-registry-com.txt", "freshvendor.com",
              dt.date(2026, 10, 28), "Example Registrar, LLC", dt.date(2027, 10, 28), "registered last month"),
    WhoisCase("gtld-registrar", "ICANN registrar (2013 RAA)", "gtld-registrar-com.txt", "brightlane-crm.com",
              dt.date(2016, 5, 4), "Example Registrar, LLC", dt.date(2027, 5, 4)),
    WhoisCase("gtld-legacy", "registrar, older layout", "gtld-registrar-legacy-net.txt", "oldformat-mail.net",
              dt.date(2026, 9, 30), "Example Registrar, LLC", None, "contacts created 2002 and 2003"),
    WhoisCase("pir-org", "PIR .org", "pir-org.txt", "openmeadow-analytics.org", dt.date(2013, 7, 19),
              "Example Registrar, LLC", dt.date(2027, 7, 19)),
    WhoisCase("io", "Identity Digital .io", "identitydigital-io.txt", "pixelharbor.io", dt.date(2021, 5, 1),
              "Cheap Names Inc.", dt.date(2027, 5, 1)),
    WhoisCase("de", "DENIC .de", "denic-de.txt", "rheinpost-versand.de", None, None, None,
              "DENIC publishes no dates"),
    WhoisCase("uk", "Nominet .uk", "nominet-uk.txt", "thamesletter.co.uk", dt.date(2019, 3, 14),
              "Example Registrar Ltd t/a Example Domains", dt.date(2027, 3, 14), "a data-validation date too"),
    WhoisCase("uk-direct", "Nominet .uk, no registrar", "nominet-direct-uk.txt", "directmail.co.uk",
              dt.date(2026, 10, 12), None, dt.date(2027, 10, 12), "\"No registrar listed\" is no registrar"),
    WhoisCase("fr", "AFNIC .fr", "afnic-fr.txt", "lumiere-newsletter.fr", dt.date(2026, 10, 20),
              "EXEMPLE REGISTRAR SAS", dt.date(2027, 10, 20), "contacts created 2002 and 2004"),
    WhoisCase("br", "registro.br .br", "registrobr-br.txt", "cartapronta.com.br", dt.date(2004, 9, 1), None,
              dt.date(2027, 9, 1), "a contact created 2002; a ticket after the date"),
    WhoisCase("it", "Registro .it", "registroit-it.txt", "postaveloce.it", dt.date(2026, 10, 20),
              "Esempio Registrar S.p.A.", dt.date(2027, 10, 20), "registrant and admin created 2002"),
    WhoisCase("nl", "SIDN .nl", "sidn-nl.txt", "tulpmail.nl", dt.date(2003, 5, 27), "Voorbeeld Registrar B.V."),
    WhoisCase("jp", "JPRS .jp", "jprs-jp.txt", "sakuramail.jp", dt.date(2001, 2, 3), None, dt.date(2027, 2, 28)),
    WhoisCase("co-jp", "JPRS .co.jp (Japanese labels)", "jprs-co-jp.txt", "hanami-crm.co.jp", dt.date(2005, 6, 7),
              None),
    WhoisCase("au", "auDA .au", "auda-au.txt", "kangaroo-post.com.au", None, "Example Registrar Pty Ltd", None,
              "no creation date published"),
    WhoisCase("ca", "CIRA .ca", "cira-ca.txt", "mapleletter.ca", dt.date(2000, 10, 16), "Example Registrar Canada Inc.",
              dt.date(2027, 10, 16)),
    WhoisCase("pl", "NASK .pl", "nask-pl.txt", "poczta-szybka.pl", dt.date(2003, 1, 30),
              "Przyklad Rejestrator Sp. z o.o.", dt.date(2027, 1, 29), "an option created 2021"),
    WhoisCase("ru", "TCI .ru", "tci-ru.txt", "bereza-mail.ru", dt.date(2004, 3, 17), "PRIMER-RU", dt.date(2027, 3, 17)),
    WhoisCase("se", "IIS .se", "iis-se.txt", "alvbrev.se", dt.date(2000, 1, 1), "Exempel Registrar AB",
              dt.date(2027, 1, 1)),
    WhoisCase("ch", "SWITCH .ch", "switch-ch.txt", "alpenpost.ch", dt.date(1996, 1, 1), "Beispiel Registrar AG", None,
              "the date on the line after its label"),
    WhoisCase("eu", "EURid .eu", "eurid-eu.txt", "starmail.eu", None, "Example Registrar BV", None,
              "no dates published"),
    WhoisCase("cz", "CZ.NIC .cz", "cznic-cz.txt", "rychlaposta.cz", dt.date(2026, 10, 20), "REG-PRIKLAD",
              dt.date(2027, 10, 20), "contacts and name-server set created 2002-2003"),
    WhoisCase("ee", "EIS .ee", "eis-ee.txt", "kiirpost.ee", dt.date(2026, 10, 20), "Naidis Registrar OU", None,
              "the registrar's record created 2009"),
    WhoisCase("fi", "Traficom .fi", "traficom-fi.txt", "pikaposti.fi", dt.date(2001, 3, 5),
              "Esimerkki Rekisterointi Oy", dt.date(2027, 3, 5), "day first: 5.3.2001"),
    WhoisCase("be", "DNS Belgium .be", "dnsbe-be.txt", "snelpost.be", dt.date(2002, 1, 1), "Voorbeeld Registrar NV"),
    WhoisCase("dk", "Punktum .dk", "punktum-dk.txt", "hurtigpost.dk", dt.date(2001, 2, 3), None, dt.date(2027, 3, 31)),
    WhoisCase("at", "nic.at .at", "nicat-at.txt", "schnellpost.at", None, "Beispiel Registrar GmbH", None,
              "no creation date; a contact changed 2002"),
)


# --------------------------------------------------------------------------------------------- headers


@dataclass(frozen=True)
class HeaderCase:
    id: str
    headers: tuple[tuple[str, str], ...]
    check: str
    status: str
    outcome: str
    """The Observatory outcome the score uses."""
    source: str
    deviation: str = ""
    """Where the verdict follows browsers rather than the Observatory: why."""

    @property
    def shown(self) -> str:
        return " / ".join(f"{name}: {value}" for name, value in self.headers) or "(none)"


CSP = "Content-Security-Policy"
XFO = "X-Frame-Options"
HSTS = "Strict-Transport-Security"
NOSNIFF = "X-Content-Type-Options"
OBSERVATORY = "Observatory csp.js"

HEADER_CASES: tuple[HeaderCase, ...] = (
    HeaderCase("csp-default-none", ((CSP, "default-src 'none'"),), "web.csp", "pass",
               "csp-implemented-with-no-unsafe-default-src-none", OBSERVATORY),
    HeaderCase("csp-default-src-empty", ((CSP, "default-src; img-src 'self'"),), "web.csp", "pass",
               "csp-implemented-with-no-unsafe-default-src-none", "Observatory cspParser.js (an empty source list "
               "is 'none'), CSP3 §2.3.1"),
    HeaderCase("csp-script-src-empty", ((CSP, "default-src 'self'; script-src"),), "web.csp", "pass",
               "csp-implemented-with-no-unsafe", "Observatory cspParser.js"),
    HeaderCase("csp-repeated-directive", ((CSP, "default-src 'self'; script-src 'self'; script-src 'unsafe-inline'"),),
               "web.csp", "pass", "csp-header-invalid", "Observatory cspParser.js (invalid, -25); CSP3 §2.2.1",
               "browsers enforce the first script-src, so the check passes; the score takes the Observatory's -25"),
    HeaderCase("csp-repeated-report-uri", ((CSP, "default-src 'none'; report-uri /a; report-uri /b"),), "web.csp",
               "pass", "csp-implemented-with-no-unsafe-default-src-none", "Observatory cspParser.js (report-uri may "
               "repeat)", "the Observatory's newest code names this csp-implemented-but-duplicate-directives, an "
               "outcome its published score table does not price: we keep the outcome the policy earns"),
    HeaderCase("csp-too-short", ((CSP, "a"),), "web.csp", "fail", "csp-header-invalid", "Observatory cspParser.js"),
    HeaderCase("csp-empty", ((CSP, ""),), "web.csp", "fail", "csp-header-invalid", "Observatory cspParser.js"),
    HeaderCase("csp-markup", ((CSP, "<script>alert(1)</script>"),), "web.csp", "fail",
               "csp-implemented-with-unsafe-inline", "Observatory cspParser.js (names are not checked; no "
               "script-src is *)"),
    HeaderCase("csp-two-policies", ((CSP, "default-src 'self'"), (CSP, "script-src 'unsafe-inline'")), "web.csp",
               "pass", "csp-implemented-with-no-unsafe", "Observatory cspParser.js (a directive only a later "
               "policy names keeps no source)"),
    HeaderCase("csp-unsafe-inline", ((CSP, "script-src 'unsafe-inline'; object-src 'none'"),), "web.csp", "fail",
               "csp-implemented-with-unsafe-inline", OBSERVATORY),
    HeaderCase("csp-nonce-cancels-inline", ((CSP, "default-src 'self'; script-src 'nonce-r4nd0m' 'unsafe-inline'"),),
               "web.csp", "pass", "csp-implemented-with-no-unsafe", f"{OBSERVATORY}, CSP3 §8.2"),
    HeaderCase("csp-strict-dynamic-alone", ((CSP, "default-src 'self'; script-src 'strict-dynamic'"),), "web.csp",
               "fail", "csp-header-invalid", OBSERVATORY),
    HeaderCase("csp-broad-scheme", ((CSP, "default-src https:"),), "web.csp", "fail",
               "csp-implemented-with-unsafe-inline", OBSERVATORY),
    HeaderCase("csp-report-only", (("Content-Security-Policy-Report-Only", "default-src 'none'"),), "web.csp", "fail",
               "csp-not-implemented", OBSERVATORY, "the Observatory's newest code names this "
               "csp-not-implemented-but-reporting-enabled, unpriced in its score table: scored as not implemented"),
    HeaderCase("hsts-year", ((HSTS, "max-age=31536000; includeSubDomains"),), "web.hsts", "pass",
               "hsts-implemented-max-age-at-least-six-months", "Observatory strict-transport-security.js"),
    HeaderCase("hsts-zero", ((HSTS, "max-age=0"),), "web.hsts", "fail",
               "hsts-implemented-max-age-less-than-six-months", "Observatory strict-transport-security.js"),
    HeaderCase("hsts-two-headers", ((HSTS, "max-age=31536000"), (HSTS, "max-age=0")), "web.hsts", "pass",
               "hsts-header-invalid", "Observatory (headers joined: invalid); RFC 6797 §8.1",
               "a browser processes only the first header, so the check passes; the score takes the Observatory's "
               "-20"),
    HeaderCase("hsts-comma", ((HSTS, "max-age=31536000, max-age=31536000"),), "web.hsts", "fail",
               "hsts-header-invalid", "Observatory; RFC 6797 §6.1 (each directive once)"),
    HeaderCase("hsts-no-max-age", ((HSTS, "includeSubDomains"),), "web.hsts", "fail", "hsts-header-invalid",
               "RFC 6797 §6.1.1 (max-age is required)"),
    HeaderCase("hsts-quoted", ((HSTS, 'max-age="31536000"'),), "web.hsts", "pass",
               "hsts-implemented-max-age-at-least-six-months", "RFC 6797 §6.1.1 (a quoted-string value)"),
    HeaderCase("xfo-deny", ((XFO, "DENY"),), "web.frame_protection", "pass", "x-frame-options-sameorigin-or-deny",
               "Observatory x-frame-options.js"),
    HeaderCase("xfo-repeated", ((XFO, "DENY"), (XFO, "DENY")), "web.frame_protection", "pass",
               "x-frame-options-header-invalid", "Observatory (joined: invalid); HTML §7.1.7",
               "browsers apply the one value both headers agree on, so the check passes; the score takes the "
               "Observatory's -20"),
    HeaderCase("xfo-conflict", ((XFO, "SAMEORIGIN, ALLOWALL"),), "web.frame_protection", "pass",
               "x-frame-options-header-invalid", "HTML §7.1.7 (conflicting values refuse framing)",
               "browsers refuse framing, so the check passes; the Observatory counts the value invalid"),
    HeaderCase("xfo-allow-from", ((XFO, "ALLOW-FROM https://partner.test"),), "web.frame_protection", "fail",
               "x-frame-options-allow-from-origin", "Observatory; browsers ignore ALLOW-FROM"),
    HeaderCase("xfo-garbage", ((XFO, "yes please"),), "web.frame_protection", "fail",
               "x-frame-options-header-invalid", "Observatory x-frame-options.js"),
    HeaderCase("frame-ancestors-none", ((XFO, "DENY"), (CSP, "default-src 'self'; frame-ancestors 'none'")),
               "web.frame_protection", "pass", "x-frame-options-implemented-via-csp", "Observatory; CSP3 §6.4.2"),
    HeaderCase("frame-ancestors-star", ((XFO, "SAMEORIGIN"), (CSP, "default-src 'self'; frame-ancestors *")),
               "web.frame_protection", "fail", "x-frame-options-implemented-via-csp",
               "CSP3 §6.4.2, HTML §7.1.7 (frame-ancestors overrides X-Frame-Options)",
               "the Observatory gives +5 for any frame-ancestors; browsers let any site frame the page"),
    HeaderCase("frame-ancestors-in-invalid-csp", ((CSP, "default-src 'self'; frame-ancestors 'none'; "
                                                        "frame-ancestors *"),), "web.frame_protection", "pass",
               "x-frame-options-not-implemented", "Observatory (an invalid CSP has no frame-ancestors); CSP3 §2.2.1",
               "browsers enforce the first frame-ancestors 'none', so the check passes; the Observatory, which "
               "cannot read the CSP, counts no framing protection (-20)"),
    HeaderCase("nosniff", ((NOSNIFF, "nosniff"),), "web.nosniff", "pass", "x-content-type-options-nosniff",
               "Observatory x-content-type-options.js"),
    HeaderCase("nosniff-repeated", ((NOSNIFF, "nosniff"), (NOSNIFF, "nosniff")), "web.nosniff", "pass",
               "x-content-type-options-header-invalid", "Observatory (joined: invalid); Fetch \"determine nosniff\"",
               "browsers read the first value, so the check passes; the score takes the Observatory's -5"),
    HeaderCase("nosniff-wrong", ((NOSNIFF, "sniff"),), "web.nosniff", "fail", "x-content-type-options-header-invalid",
               "Observatory x-content-type-options.js"),
    HeaderCase("referrer-last-wins", (("Referrer-Policy", "no-referrer, unsafe-url"),), "web.referrer_policy", "fail",
               "referrer-policy-unsafe", "Observatory referrer-policy.js; Referrer Policy §8.1"),
    HeaderCase("referrer-unknown-ignored", (("Referrer-Policy", "strict-origin-when-cross-origin, made-up"),),
               "web.referrer_policy", "pass", "referrer-policy-private", "Referrer Policy §8.1"),
)


def _zone_cell(zone: Zone) -> str:
    """A zone as a table cell: ``name TYPE: data`` per name, long record sets counted."""
    if not zone:
        return "(nothing)"
    shown = []
    for (name, record_type), data in zone.items():
        values = " / ".join(data) if len(data) <= 3 else f"{len(data)} records ({data[0]}, ...)"
        shown.append(f"{name} {record_type}: {values}")
    return "; ".join(shown)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("\t", "\\t")


def tables() -> str:
    """The conformance tables of docs/enrichment.md, generated from the cases."""
    out = ["### SPF (RFC 7208)", "", "Each case is served at `<case>.spf.test` (`@`; `{d}` stands for it). The result "
           "is what `check_host()` gives a sender the record does not list.", "",
           "| case | records served | dns.spf.result | lookups | RFC 7208 | peer checker |",
           "| --- | --- | --- | --- | --- | --- |"]
    out += [f"| `{case.id}` | `{_cell(case.record)}` | {case.result or 'unknown'} | "
            f"{'' if case.lookups is None else case.lookups} | {_cell(case.section)} | {_cell(case.peer)} |"
            for case in SPF_CASES]
    out += ["", "### DMARC (RFC 7489, RFC 9091)", "", "The policy is what every message failing DMARC gets: "
            "`no policy` when receivers apply none.", "",
            "| case | vendor domain | records served | dns.dmarc.policy | RFC 7489 | peer checker |",
            "| --- | --- | --- | --- | --- | --- |"]
    out += [f"| `{case.id}` | {'@' if case.queried == '@' else case.queried + '.@'} (@ = {case.org_domain}) | "
            f"`{_cell(case.record)}` | "
            f"{'unknown' if case.unknown else case.policy or 'no policy'} | {_cell(case.section)} | "
            f"{_cell(case.peer)} |" for case in DMARC_CASES]
    out += ["", "### Registration replies (WHOIS, port 43)", "", "| case | registry | created (the domain's own) | "
            "registrar | note |", "| --- | --- | --- | --- | --- |"]
    out += [f"| `{case.id}` | {case.registry} | {case.created or 'unknown'} | {_cell(case.registrar or 'unknown')} | "
            f"{_cell(case.note)} |" for case in WHOIS_CASES]
    out += ["", "### Security headers (MDN HTTP Observatory)", "", "| case | headers | check | verdict | "
            "Observatory outcome (score) | source | deviation |", "| --- | --- | --- | --- | --- | --- | --- |"]
    out += [f"| `{case.id}` | `{_cell(case.shown)}` | {case.check} | {case.status} | {case.outcome} | "
            f"{_cell(case.source)} | {_cell(case.deviation)} |" for case in HEADER_CASES]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(tables(), end="")
