"""The fixture company larkspur.test: a zone served by a real DNS server on 127.0.0.1 and a website served over HTTPS
on 127.0.0.1, with known tools planted in both (``PLANTED``), for discovery's tests and its benchmark."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import trustme

from riskengine.enrich.settings import NetworkSettings
from tests.enrich.dns_server import DnsServer
from tests.enrich.https_server import Reply, Site

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
DOMAIN = "larkspur.test"
HTML = ("Content-Type", "text/html; charset=utf-8")
DKIM_KEY = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1TaNgLlSyQMNWVLNLvyY"

ZONE: dict[tuple[str, str], list[str]] = {
    (f"{DOMAIN}.", "TXT"): [
        "v=spf1 include:_spf.google.com include:servers.mcsv.net include:mail.zendesk.com "
        "include:spf.unknown-sender.test include:loop.larkspur.test -all",
        "google-site-verification=Zq3v1n2x3c4v5b6n7m8",
        "hubspot-developer-verification=OWVmNmFkZGYtYTc2Zi00NDU0",
        "atlassian-domain-verification=4nT8pQ2rS9vX1yZ3",
    ],
    (f"{DOMAIN}.", "MX"): ["1 aspmx.l.google.com.", "5 alt1.aspmx.l.google.com."],
    (f"{DOMAIN}.", "NS"): ["ns1.larkspur.test."],
    (f"{DOMAIN}.", "CAA"): ['0 issue "letsencrypt.org"'],
    (f"_dmarc.{DOMAIN}.", "TXT"): [f"v=DMARC1; p=quarantine; rua=mailto:dmarc@{DOMAIN}"],
    (f"google._domainkey.{DOMAIN}.", "TXT"): [DKIM_KEY],
    (f"k1._domainkey.{DOMAIN}.", "CNAME"): ["dkim.mcsv.net."],
    ("dkim.mcsv.net.", "TXT"): [DKIM_KEY],
    (f"help.{DOMAIN}.", "CNAME"): ["larkspur.zendesk.com."],
    (f"go.{DOMAIN}.", "CNAME"): ["larkspur.unbouncepages.com."],
    (f"www.{DOMAIN}.", "A"): ["127.0.0.1"],
    (f"{DOMAIN}.", "A"): ["127.0.0.1"],
    ("_spf.google.com.", "TXT"): ["v=spf1 include:_netblocks.google.com ~all"],
    ("_netblocks.google.com.", "TXT"): ["v=spf1 ip4:35.190.247.0/24 ~all"],
    ("servers.mcsv.net.", "TXT"): ["v=spf1 ip4:205.201.128.0/20 ~all"],
    ("mail.zendesk.com.", "TXT"): ["v=spf1 ip4:192.161.144.0/20 ~all"],
    ("spf.unknown-sender.test.", "TXT"): ["v=spf1 ip4:198.51.100.0/24 ~all"],
    # an include loop: loop -> loop2 -> loop ... until the 10-lookup limit stops the walk
    (f"loop.{DOMAIN}.", "TXT"): [f"v=spf1 include:loop2.{DOMAIN} -all"],
    (f"loop2.{DOMAIN}.", "TXT"): [f"v=spf1 include:loop.{DOMAIN} -all"],
    # a subdomain whose SPF needs more than ten lookups; the twelfth include is SendGrid's
    (f"news.{DOMAIN}.", "TXT"): ["v=spf1 " + " ".join(f"include:s{number}.{DOMAIN}" for number in range(1, 12))
                                 + " include:sendgrid.net -all"],
    **{(f"s{number}.{DOMAIN}.", "TXT"): ["v=spf1 ip4:192.0.2.1 ~all"] for number in range(1, 12)},
}

HOME = """<!doctype html><html><head><title>Larkspur</title>
<meta name="google-site-verification" content="Zq3v1n2x3c4v5b6n7m8">
<script async src="https://www.googletagmanager.com/gtm.js?id=GTM-ABC123"></script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-XYZ789"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}
gtag('js', new Date()); gtag('config', 'G-XYZ789');</script>
<script>!function(f,b,e,v,n,t,s){}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '1234567890'); fbq('track', 'PageView');</script>
</head><body>
<noscript><img height="1" width="1" src="https://www.facebook.com/tr?id=1234567890&ev=PageView&noscript=1"></noscript>
<a href="/about">About</a> <a href="/pricing#plans">Pricing</a>
<a href="https://elsewhere.test/partner">Partner</a> <a href="/brochure.pdf">Brochure</a>
</body></html>"""
ABOUT = """<html><head>
<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js" data-domain-script="x"></script>
<script src="https://static.hotjar.com/c/hotjar-123456.js?sv=6"></script></head><body>About us</body></html>"""
PRICING = """<html><head><script>window.intercomSettings = {app_id: "abc123"};</script>
<script src="https://widget.intercom.io/widget/abc123"></script></head><body>Plans</body></html>"""

PLANTED = {
    # DNS
    "Google Workspace", "Mailchimp", "Zendesk", "Unbounce", "Google Search Console", "HubSpot", "Atlassian Cloud",
    # website
    "Google Tag Manager", "Google Analytics", "Meta Pixel", "OneTrust", "Hotjar", "Intercom",
}
"""Every tool the fixtures hold, and no other."""
WEAK = {"Cookiebot", "Adobe Target"}
"""Tools the fixtures show only through one weak pattern: never reported."""


def routes(site: Site) -> None:
    csp = "default-src 'self'; script-src 'self' https://connect.facebook.net https://*.googletagmanager.com"
    site.https_routes.update({
        "/": Reply(200, [HTML, ("Set-Cookie", "_ga=GA1.2.1.2; Path=/"), ("Content-Security-Policy", csp),
                         ("Set-Cookie", "CookieConsent=yes; Path=/")], HOME.encode()),
        "/about": Reply(200, [HTML, ("Set-Cookie", "OptanonConsent=isIABGlobal=false; Path=/")], ABOUT.encode()),
        "/pricing": Reply(200, [HTML, ("Set-Cookie", "mbox=session#1; Path=/")], PRICING.encode()),
    })


def settings_for(dns: DnsServer, site: Site | None, ca_pem: Path, **overrides: Any) -> NetworkSettings:
    values: dict[str, Any] = {
        "allow_networks": ("127.0.0.0/8",), "dns_server": dns.address,
        "resolve": {DOMAIN: "127.0.0.1", f"www.{DOMAIN}": "127.0.0.1"},
        "https_port": site.https_port if site else 1, "http_port": site.http_port if site else 1,
        "ca_bundle": str(ca_pem), "connect_timeout": 2.0, "read_timeout": 2.0, "deadline": 10.0,
    }
    values.update(overrides)
    return NetworkSettings(**values)


def leaf(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert(DOMAIN, f"www.{DOMAIN}")
