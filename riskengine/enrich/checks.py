"""The checks the enrichment stage publishes, by group, each with what passing means.

Kept apart from the code that runs them: every assessment lists them (the fact catalogue a scoring profile is
checked against, the unknown records of an offline run), and listing them must not import the network stack
(requests, urllib3, ssl, cryptography) that only a live run needs.
"""

from __future__ import annotations

from riskengine.enrich.kinds import Kind

REGISTRATION_CHECKS: dict[str, str] = {
    "whois.domain_age_days": "Days since the domain was registered; fails under 365 days.",
    "whois.expiry_days": "Days until the registration expires; fails under 30 days (or when expired).",
    "whois.registrar": "The registrar that holds the domain; passes when the registry names one.",
    "whois.client_hold": "Whether the domain is on clientHold or serverHold (kept out of the DNS); fails when it is.",
    "whois.transfer_lock": "Whether a transfer lock (clientTransferProhibited) guards against hijack by transfer.",
    "whois.dnssec": "Whether the registry holds a signed delegation (DNSSEC); passes when signed.",
    "whois.privacy_redacted": "Whether registrant contact data is redacted; informational, passes either way.",
}
"""Check name -> what passing means: ``registration.check_registration``."""

DNS_CHECKS: dict[str, str] = {
    "dns.spf": "exactly one SPF record (a TXT record beginning v=spf1) at the domain (RFC 7208 §4.5)",
    "dns.spf.result": "the SPF result for mail from a sender the record does not list (RFC 7208 §2.6); passes on "
                      "fail or softfail",
    "dns.spf.permerror": "whether SPF evaluation ends in a permanent error (syntax, more than 10 DNS-querying terms, "
                         "more than 2 void lookups: RFC 7208 §4.6); passes when it does not",
    "dns.spf_lookups": "DNS-querying terms SPF evaluation needs for an unlisted sender; passes at 10 or fewer "
                       "(RFC 7208 §4.6.4)",
    "dns.dmarc.policy": "the DMARC policy every message failing DMARC gets (p, or sp from the organisational domain, "
                        "one step gentler when pct is under 100: RFC 7489 §6.6.4); passes on quarantine or reject",
    "dns.dmarc.p": "the p= policy of the DMARC record that applies; passes on quarantine or reject in a valid record",
    "dns.dmarc.sp": "the DMARC policy for mail from subdomains (sp=, else p=; pct applied); passes on quarantine or "
                    "reject",
    "dns.dmarc.pct": "the share of failing mail the DMARC policy applies to (pct=, 0-100, default 100); passes at 100",
    "dns.dmarc.rua": "aggregate report addresses receivers would send to (RFC 7489 §7.1); passes when there is one",
    "dns.dmarc.org_fallback": "whether the DMARC record came from the organisational domain (RFC 7489 §6.6.3); "
                              "informational",
    "dns.mx": "the domain publishes MX records (it receives mail)",
    "dns.dnssec": "the zone is signed with DNSSEC (DNSKEY at the domain, or an answer the resolver authenticated)",
    "dns.caa": "CAA records name the certificate authorities allowed to issue for the domain",
    "dns.dkim_selectors": "a DKIM key at one of the common selectors (email-sending tools only)",
    "dns.mta_sts.mode": "the MTA-STS policy's mode (RFC 8461 §5); passes on enforce (email-sending tools only)",
    "dns.mta_sts.max_age": "seconds senders keep the MTA-STS policy; passes at a week or more (RFC 8461 §3.2; "
                           "email-sending tools only)",
    "dns.tlsrpt": "an SMTP TLS reporting record at _smtp._tls.<domain> with its report URIs (RFC 8460 §3; "
                  "email-sending tools only)",
}
"""Check name -> what passing means: ``dns_checks.check_dns``."""

WEB_CHECKS: dict[str, str] = {
    "web.https": "The site answers over HTTPS with a certificate valid for the domain (bool).",
    "web.cert_days_left": "Days until the site's certificate expires (int); fails under the minimum in "
                          "scoring/web-observatory.yaml (14) or when expired.",
    "web.tls_legacy": "The server accepts TLS 1.0 or 1.1 (bool); passes when it refuses both.",
    "web.redirects_to_https": "http://DOMAIN/ ends on an HTTPS page (bool).",
    "web.hsts": "Strict-Transport-Security max-age in seconds, false when absent; passes at six months or more.",
    "web.csp": "A Content-Security-Policy that restricts scripts, as the Observatory's CSP test passes it, judged "
               "on the policy browsers enforce (bool).",
    "web.frame_protection": "Framing limited by X-Frame-Options DENY/SAMEORIGIN or CSP frame-ancestors (bool).",
    "web.nosniff": "X-Content-Type-Options: nosniff (bool).",
    "web.referrer_policy": "The Referrer-Policy, false when absent; passes when it keeps URLs private.",
    "web.cookies_secure": "Every cookie of the home page is Secure with SameSite, session cookies HttpOnly (bool); "
                          "passes when there are none.",
    "web.security_txt": "/.well-known/security.txt (RFC 9116) with a Contact and a future Expires (its fields).",
    "web.privacy_policy": "A privacy policy reachable on the site (its URL, false when none was found).",
    "web.score": "Web score 0-100 from the MDN HTTP Observatory's modifiers (int); passes at 70.",
}
"""Check name -> what passing means: ``web.check_web``."""

NETWORK_CHECK = "network.resolver"
"""The record of whether the network answered before any check was trusted (``riskengine.enrich.network``): kept
on the evidence set and recorded with the run, never a fact, never reused from the store."""

GROUPS: dict[Kind, dict[str, str]] = {"registration": REGISTRATION_CHECKS, "dns": DNS_CHECKS, "web": WEB_CHECKS}


def all_checks() -> dict[str, tuple[Kind, str]]:
    """Every check the enrichment stage can publish: name -> (kind, description), group by group."""
    return {name: (kind, description) for kind, checks in GROUPS.items() for name, description in checks.items()}
