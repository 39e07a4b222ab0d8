"""The human-readable table ``riskengine discover`` prints: findings by status, then email security, then what could
not be read. Deterministic: the same discovery gives the same text."""

from __future__ import annotations

from riskengine.discover.analysis import Discovery

ORDER = ("shadow-it", "duplicate", "stale-trace", "detected", "sanctioned")
LABELS = {"shadow-it": "shadow IT", "duplicate": "duplicate", "stale-trace": "stale trace", "detected": "detected",
          "sanctioned": "sanctioned"}


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(discovery: Discovery) -> str:
    lines = [f"{discovery.domain} ({discovery.mode}, run {discovery.run_id}): {len(discovery.findings)} tools, "
             f"{discovery.dns_questions} DNS questions, {len(discovery.pages)} pages; fingerprints "
             f"{discovery.fingerprints}" + (f"; inventory {discovery.inventory}" if discovery.inventory else "")]
    findings = sorted(discovery.findings, key=lambda finding: (ORDER.index(finding.status),
                                                               finding.technology.casefold()))
    if findings:
        lines.append(f"  {'status':<12} {'tool':<32} {'capability':<24} {'conf':>4}  why")
    for finding in findings:
        lines.append(f"  {LABELS[finding.status]:<12} {_cut(finding.technology, 32):<32} {finding.capability:<24} "
                     f"{finding.confidence:>4}  {_cut(finding.reason, 90)}")
    if discovery.hints:
        lines.append("  not reported (one weak pattern only): "
                     + ", ".join(f"{hint.technology} ({hint.confidence})" for hint in discovery.hints))
    for record_type in ("MX", "NS", "CAA"):
        if discovery.apex.get(record_type):
            lines.append(f"{record_type}: {_cut(', '.join(discovery.apex[record_type]), 140)}")
    email = discovery.email
    lines.append(f"email: SPF {email.spf_result or 'unknown'} ({_cut(email.spf_reason, 100)}); "
                 f"{email.spf_lookups} lookups{' - over the limit of 10' if email.spf_limit_exceeded else ''}; "
                 f"DMARC {email.dmarc_policy or 'none'}"
                 + (f", reports to {', '.join(email.dmarc_reports_to)}" if email.dmarc_reports_to else ""))
    for include in email.includes:
        own = include.domain == discovery.domain or include.domain.endswith("." + discovery.domain)
        named = include.technology or ("own record" if own else "UNKNOWN SENDER")
        lines.append(f"  include {include.domain:<36} {named}{'' if include.followed else ' (not followed)'}")
    if email.unknown_senders:
        lines.append(f"  flagged: {', '.join(email.unknown_senders)} may send mail as {discovery.domain} and no "
                     "fingerprint names them: check who they are, or remove them")
    if discovery.unknown:
        lines.append(f"not read ({len(discovery.unknown)}):")
        lines += [f"  {_cut(item, 150)}" for item in discovery.unknown[:20]]
        if len(discovery.unknown) > 20:
            lines.append(f"  ... and {len(discovery.unknown) - 20} more (--json lists them all)")
    return "\n".join(lines) + "\n"
