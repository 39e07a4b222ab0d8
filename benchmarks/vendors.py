"""A seeded portfolio of vendors that differ as real ones do, for the batch benchmark.

Each vendor starts from one of the three samples (``samples/answers/*.yaml``: every required answer, the
comments that justify their N/A answers) and then differs in what distinguishes real vendors: its name,
product and domain; where it is based, how large it is and what it is certified for; which data classes, whose
data, how many records and which regions; its costs (pricing model, currency, unit price and units, minimum
commitment, implementation, training and support fees, term, uplift cap, day rate); its integrations (which
systems of the sample inventory, how many, in which direction, with which data, method and frequency); its
sub-processors; free text of varying length (descriptions, hosting, incidents, cookies, notes); and a seeded
share of its Yes/No/Partial answers. Vendor ``number`` is the same on every run (``random.Random`` seeded with
a string is stable across Python versions and processes).

The workbooks are written with the project's own writer (``write_template``) and bank, as ``samples/build.py``
writes the samples.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BASES = ("northwind-mail", "pixelpath-analytics", "glowup-loyalty")
SEED = "riskengine-batch-2026"
CHOICES = ("Yes", "No", "Partial")
CHANGED_SHARE = 0.15

_PREFIXES = ("Bright", "North", "Pixel", "Glow", "Blue", "Lumen", "Signal", "Harbor", "Nimbus", "Orbit", "Cedar",
             "Vivid", "Atlas", "Quartz", "Ember", "Tide", "Summit", "Kite", "Prism", "Maple", "Fable", "Zephyr")
_STEMS = ("funnel", "path", "mail", "loop", "pulse", "metrics", "reach", "stack", "wave", "bridge", "sense",
          "spark", "lane", "hive", "beam", "nest", "forge", "scope", "craft", "cast")
_FORMS = ("Ltd.", "GmbH", "B.V.", "Inc.", "SAS", "AB", "ApS", "S.r.l.", "Oy", "Pte. Ltd.", "LLC", "plc")
_TLDS = ("com", "io", "eu", "de", "co.uk", "nl", "fr", "se", "ai", "app", "net", "dk")
_COUNTRIES = ("Netherlands", "Germany", "United States", "United Kingdom", "France", "Sweden", "Ireland",
              "Denmark", "Singapore", "Canada", "Spain", "Finland", "Poland", "Italy", "Estonia", "Australia")
_CAPABILITIES = ("email-marketing", "marketing-automation", "sms", "web-analytics", "tag-management", "cdp", "crm",
                 "cms", "loyalty", "advertising", "consent-management", "personalisation", "survey", "social")
_PRODUCT_WORDS = ("Cloud", "Studio", "Engage", "Insights", "Journeys", "Platform", "Suite", "Hub", "Pro",
                  "Enterprise", "Growth", "Connect")
_CERTIFICATIONS = ("SOC 2 Type II", "SOC 2 Type I", "ISO 27001", "ISO 27701", "PCI DSS", "HIPAA")
_REGIONS = ("EU/EEA", "UK", "US", "Canada", "APAC", "Other")
_DATA_CLASSES = ("personal", "sensitive", "payment", "health", "credentials", "behavioural")
_METHODS = ("api", "webhook", "file", "sdk", "tag", "manual")
_FREQUENCIES = ("real-time", "hourly", "daily", "weekly", "monthly", "ad-hoc")
_DIRECTIONS = ("inbound", "outbound", "bidirectional")
_SYSTEMS = ("okta", "Microsoft 365", "slack", "Personio", "ipaas", "Contentful", "Shopify Plus", "mobile-app",
            "Adyen", "pos", "erp", "Pleo", "shipping", "Akeneo PIM", "dam", "Algolia", "reviews",
            "Salesforce Sales Cloud", "marketing-automation", "Mailchimp", "sms", "Twilio Segment", "loyalty",
            "Zendesk Suite", "survey", "Hootsuite", "consent", "Google Tag Manager", "web-analytics", "firebase",
            "google-ads", "Meta Ads Manager", "tiktok-ads", "affiliate", "Snowflake", "bi", "hotjar")
"""Systems of ``samples/inventory.yaml``, some by id and some by name, as vendors write them."""
_SUBPROCESSORS = (("Amazon Web Services EMEA SARL", "Hosting, storage and backups", "Germany, Ireland"),
                  ("Google Cloud EMEA Ltd.", "Hosting and managed databases", "Belgium, Netherlands"),
                  ("Microsoft Ireland Operations Ltd.", "Hosting (Azure West Europe)", "Netherlands"),
                  ("Cloudflare, Inc.", "CDN and DDoS protection", "EU"),
                  ("Datadog, Inc.", "Monitoring and application logs", "Germany"),
                  ("Zendesk, Inc.", "Customer support tickets", "Germany"),
                  ("Twilio Inc.", "SMS delivery", "United States"),
                  ("OpenAI, L.L.C.", "Generative copy suggestions", "United States"),
                  ("Snowflake Inc.", "Analytics warehouse", "Germany"),
                  ("Stripe, Inc.", "Billing", "United States"),
                  ("Sentry (Functional Software, Inc.)", "Error tracking", "United States"),
                  ("Hetzner Online GmbH", "Backups", "Germany"))
_SENTENCES = (
    "{name} processes {records:,} records for customers of our size on average.",
    "Segments are rebuilt every {hours} hours from the events the connectors deliver.",
    "Profiles are enriched with engagement scores; no third-party data is bought in.",
    "Exports run through the public API or a nightly file drop to the customer's bucket.",
    "Support engineers in {country} can read customer data only during an open ticket, with approval.",
    "The {product} module stores campaign content, audiences and send logs for {days} days.",
    "Predictive send-time optimisation uses only the customer's own engagement history.",
    "Data is encrypted at rest with keys held in a managed KMS, rotated every {days} days.",
    "A sandbox workspace mirrors production configuration without customer data.",
    "Webhooks are signed with HMAC-SHA256 and retried with exponential back-off for {hours} hours.",
    "Deleted contacts are purged from backups after {days} days.",
    "Bulk imports accept CSV and JSON up to {records:,} rows per file.",
    "Our status page lists incidents of the last {days} days with root-cause summaries.",
    "Optional AI features are off by default and can be enabled per workspace.",
)


def _pick(generator: random.Random, pool: tuple[str, ...], low: int, high: int) -> list[str]:
    return generator.sample(pool, generator.randint(low, min(high, len(pool))))


def _text(generator: random.Random, facts: dict[str, Any], limit: int, most: int = 8) -> str:
    """A few sentences (none to ``most``) with the vendor's own names and numbers, at most ``limit`` characters."""
    sentences = [sentence.format(**facts) for sentence in _pick(generator, _SENTENCES, 1, most)]
    return " ".join(sentences)[:limit].rstrip()


def _costs(generator: random.Random) -> dict[str, Any]:
    model = generator.choice(("per seat", "per contact", "usage based", "flat fee", "tiered"))
    if model == "per seat":
        unit_price, units = round(generator.uniform(120, 1_800), 2), generator.randint(3, 1_500)
    elif model in ("per contact", "tiered"):
        unit_price, units = round(generator.uniform(0.01, 0.6), 3), generator.randint(5_000, 8_000_000)
    elif model == "usage based":
        unit_price, units = round(generator.uniform(0.0005, 0.02), 4), generator.randint(100_000, 200_000_000)
    else:
        unit_price, units = round(generator.uniform(2_000, 250_000), -2), 1
    licence = unit_price * units
    support = generator.choice(("standard", "premium", "enterprise"))
    return {
        "CST-01": model, "CST-02": generator.choice(("EUR", "EUR", "USD", "GBP", "CHF")),
        "CST-03": unit_price, "CST-04": units,
        "CST-05": round(licence * generator.choice((0, 0.5, 0.8, 1.0)), -2),
        "CST-06": round(generator.uniform(0, 0.6) * licence + generator.choice((0, 2_500, 10_000, 40_000)), -2),
        "CST-07": round(generator.choice((0, 0, 1_500, 5_000, 12_000, 30_000)) * generator.uniform(0.8, 1.2), -1),
        "CST-08": support,
        "CST-09": 0 if support == "standard" else round(licence * generator.uniform(0.05, 0.2), -2),
        "CST-10": generator.choice((12, 12, 24, 36, 48)),
        "CST-11": generator.choice((0, 3, 5, 7, 10, 100)),
        "CST-12": generator.choice(("Yes", "No")),
        "CST-13": round(generator.uniform(600, 2_200), -1),
    }


def _integrations(generator: random.Random, facts: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for system in _pick(generator, _SYSTEMS, 1, 12):
        classes = _pick(generator, _DATA_CLASSES, 1, 3)
        note = _text(generator, facts, generator.choice((0, 60, 120, 300)), most=2)
        rows.append({"system": system, "direction": generator.choice(_DIRECTIONS), "data_classes": ", ".join(classes),
                     "method": generator.choice(_METHODS), "frequency": generator.choice(_FREQUENCIES),
                     **({"notes": note} if note else {})})
    return rows


def vendor(number: int, base_answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[dict[str, str]]]]:
    """The answers and tables of vendor ``number``, made from one sample's ``base_answers``."""
    generator = random.Random(f"{SEED}/{number}")
    answers = dict(base_answers)
    for question, value in sorted(answers.items()):
        if value in CHOICES and generator.random() < CHANGED_SHARE:
            answers[question] = generator.choice([choice for choice in CHOICES if choice != value])
    stem = generator.choice(_PREFIXES) + generator.choice(_STEMS)
    country = generator.choice(_COUNTRIES)
    product = f"{stem} {generator.choice(_PRODUCT_WORDS)}"
    facts = {"name": stem, "product": product, "country": country, "records": generator.randint(1_000, 9_000_000),
             "hours": generator.choice((1, 4, 6, 12, 24, 72)), "days": generator.choice((7, 14, 30, 35, 90, 180))}
    classes = {f"DAT-0{index + 1}": "Yes" if generator.random() < share else "No"
               for index, share in enumerate((0.95, 0.15, 0.2, 0.08, 0.4, 0.8))}
    answers.update(classes)
    answers.update({
        "VEN-01": f"{stem} {generator.choice(_FORMS)}",
        "VEN-02": f"{product} ({generator.choice(_CAPABILITIES).replace('-', ' ')} edition)",
        "VEN-03": f"{stem.lower()}{number:04d}.{generator.choice(_TLDS)}",
        "VEN-04": country,
        "VEN-05": generator.randint(1998, 2024),
        "VEN-06": int(10 ** generator.uniform(1, 4)),
        "VEN-07": int(10 ** generator.uniform(1.5, 5)),
        "VEN-08": ", ".join(_pick(generator, _CERTIFICATIONS, 0, 3)) or "none",
        "VEN-12": ", ".join(_pick(generator, _COUNTRIES, 1, 5)),
        "VEN-14": generator.choice(_CAPABILITIES),
        "DAT-07": int(10 ** generator.uniform(3, 7.5)),
        "DAT-08": ", ".join(_pick(generator, ("customers", "prospects", "employees", "children"), 1, 3)),
        "DAT-09": ", ".join(_pick(generator, _REGIONS, 1, 3)),
        "DAT-16": _text(generator, facts, 2_000, most=10),
        "SEC-21": f"{generator.choice(('AWS', 'Google Cloud', 'Azure', 'Hetzner', 'OVHcloud'))} "
                  f"{generator.choice(('Frankfurt', 'Ireland', 'Amsterdam', 'Paris', 'Virginia', 'Singapore'))}",
        "CST-14": _text(generator, facts, 1_500, most=5),
        **_costs(generator),
    })
    subprocessors = [{"name": name, "purpose": purpose, "country": where,
                      "data_classes": ", ".join(_pick(generator, _DATA_CLASSES, 1, 3))}
                     for name, purpose, where in generator.sample(_SUBPROCESSORS, generator.randint(1, 8))]
    return answers, {"INT-01": _integrations(generator, facts), "DAT-10": subprocessors}


def vendor_questionnaire(number: int) -> tuple[dict[str, Any], dict[str, str], dict[str, list[dict[str, str]]]]:
    """Vendor ``number``'s answers, comments and tables, made from sample ``number`` modulo 3."""
    import yaml

    base = BASES[number % len(BASES)]
    content: dict[str, Any] = yaml.safe_load((SAMPLES / "answers" / f"{base}.yaml").read_text(encoding="utf-8"))
    answers, tables = vendor(number, content["answers"])
    return answers, content.get("comments", {}), tables


def write_vendor(number: int, folder: Path) -> Path:
    """Write vendor ``number``'s questionnaire into ``folder`` with the project's writer; its path."""
    from riskengine.questionnaire.bank import load_bank
    from riskengine.questionnaire.template import write_template

    answers, comments, tables = vendor_questionnaire(number)
    path = folder / f"vendor-{number:04d}.xlsx"
    write_template(load_bank(), path, answers=answers, comments=comments, tables=tables)
    return path
