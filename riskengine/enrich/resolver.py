"""The one door for DNS questions: a resolver bound to the vendor's deadline, its answers memoised.

Every lookup goes to one resolver: the ``dns_server`` of the settings (after the address guard has
accepted its address) or else the system's configured resolver, which is the operator's own choice and
so is not guarded. Each query's lifetime is cut to what is left of the vendor's deadline, and each
question is asked at most once per ``Lookup`` (SPF, DMARC, MTA-STS and the other DNS checks share one).

An ``Outcome`` is what came back: records, NXDOMAIN, an empty answer (NODATA), or why the lookup failed.
A failure is never an observation: the checks that needed it become "unknown" (SPF: temperror).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from riskengine.enrich.guard import AddressGuard, AddressRefused, Deadline, DeadlineExceeded

if TYPE_CHECKING:
    import dns.resolver

__all__ = ["Lookup", "NoResolver", "Outcome", "absolute"]

_BACKOFF = 0.1


def absolute(name: str) -> str:
    """``name`` ending in exactly one dot, as dnspython and the memo want it."""
    return name.rstrip(".") + "."


class NoResolver(Exception):
    """No resolver may be used (a refused server address, no system configuration)."""


@dataclass(frozen=True)
class Outcome:
    """The result of one query: records, NXDOMAIN, an empty answer, or the reason it failed."""

    name: str
    record_type: str
    state: str
    """``NOERROR`` (records found), ``NODATA`` (name exists, no such record), ``NXDOMAIN``, or ``error``."""
    records: tuple[Any, ...] = ()
    answer_text: str = ""
    ttl: int | None = None
    authenticated: bool = False
    server: str = ""
    error: str = ""

    @property
    def query(self) -> str:
        return f"{self.name} {self.record_type}"

    @property
    def failed(self) -> bool:
        return self.state == "error"

    @property
    def void(self) -> bool:
        """NXDOMAIN, or an answer with no record of the type asked (RFC 7208 §4.6.4's "void lookup")."""
        return self.state in ("NXDOMAIN", "NODATA") or (self.state == "NOERROR" and not self.records)

    @property
    def raw(self) -> str:
        if self.failed:
            return f";; {self.query} -> error: {self.error}\n"
        header = f";; {self.query} -> {self.state}"
        if self.ttl is not None:
            header += f"; ttl={self.ttl}"
        header += f"; ad={int(self.authenticated)}"
        return header + "\n" + (self.answer_text + "\n" if self.answer_text else "")

    def texts(self) -> list[str]:
        """The TXT records, each one's strings joined as RFC 7208 §3.3 says."""
        import dns.rdtypes.ANY.TXT

        return [b"".join(record.strings).decode("utf-8", "replace") for record in self.records
                if isinstance(record, dns.rdtypes.ANY.TXT.TXT)]


class Lookup:
    """One resolver, memoised answers, and the deadline applied to every query."""

    def __init__(self, resolver: dns.resolver.Resolver, deadline: Deadline, read_timeout: float,
                 server: str) -> None:
        self._resolver = resolver
        self._deadline = deadline
        self._read_timeout = read_timeout
        self.server = server
        self._memo: dict[tuple[str, str], Outcome] = {}

    @classmethod
    def open(cls, guard: AddressGuard, deadline: Deadline) -> Lookup:
        """The configured server after the guard accepted its address, else the system resolver."""
        import dns.exception
        import dns.flags
        import dns.resolver

        settings = guard.settings
        if settings.dns_server is None:
            try:
                resolver = dns.resolver.Resolver()
            except (dns.exception.DNSException, OSError) as exc:
                raise NoResolver(f"no system DNS resolver configured ({exc})") from exc
            server = ", ".join(str(nameserver) for nameserver in resolver.nameservers)
        else:
            try:
                address, port = guard.dns_server(deadline)  # the guard covers resolver traffic too
            except AddressRefused as exc:
                raise NoResolver(str(exc)) from exc
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = [str(address)]
            resolver.port = port
            server = str(address)
        resolver.timeout = settings.connect_timeout
        resolver.cache = None
        # AD in the query asks a validating resolver to say whether it authenticated the answer (RFC 6840 §5.7).
        resolver.flags = dns.flags.RD | dns.flags.AD
        resolver.use_edns(0, 0, 1232)
        return cls(resolver, deadline, settings.read_timeout, server)

    def ask(self, name: str, record_type: str, *, again: bool = False) -> Outcome:
        """The answer for ``name`` (absolute, ending in a dot) and ``record_type``, asked at most once unless
        ``again`` (a second answer, which then replaces the first)."""
        key = (name.lower(), record_type)
        if again or key not in self._memo:
            self._memo[key] = self._query(name, record_type)
        return self._memo[key]

    def _query(self, name: str, record_type: str) -> Outcome:
        import dns.exception
        import dns.resolver

        try:
            # dnspython sleeps a 0.1 s back-off before it notices the lifetime has run out, so the
            # lifetime leaves room for that sleep inside the vendor's deadline.
            lifetime = max(0.05, self._deadline.timeout(self._read_timeout) - _BACKOFF)
        except DeadlineExceeded as exc:
            return Outcome(name, record_type, "error", error=f"not asked: {exc}")
        try:
            answer = self._resolver.resolve(name, record_type, search=False, raise_on_no_answer=False,
                                            lifetime=lifetime)
        except dns.resolver.NXDOMAIN as exc:
            return Outcome(name, record_type, "NXDOMAIN", ttl=_negative_ttl(exc), server=self.server)
        except dns.resolver.LifetimeTimeout as exc:
            return Outcome(name, record_type, "error", error=_timeout_reason(exc, lifetime))
        except dns.resolver.NoNameservers as exc:
            return Outcome(name, record_type, "error", error=_server_errors(exc))
        except dns.exception.DNSException as exc:
            return Outcome(name, record_type, "error", error=f"the lookup failed ({type(exc).__name__}: {exc})")
        except Exception as exc:  # a resolver parsing hostile input: one lookup fails, the assessment goes on
            return Outcome(name, record_type, "error", error=f"the lookup failed ({type(exc).__name__}: {exc})")
        response = answer.response
        ttl = int(answer.chaining_result.minimum_ttl)
        return Outcome(
            name, record_type, "NOERROR" if answer.rrset is not None else "NODATA",
            records=tuple(answer.rrset) if answer.rrset is not None else (),
            answer_text="\n".join(rrset.to_text() for rrset in response.answer),
            ttl=ttl if ttl < _MAX_TTL else None,
            authenticated=bool(response.flags & _ad_flag()),
            server=str(answer.nameserver or self.server),
        )


_MAX_TTL = 2**31 - 1
"""dnspython's "no TTL seen" marker (RFC 2181 §8 maximum)."""


def _ad_flag() -> int:
    import dns.flags

    return int(dns.flags.AD)


def _negative_ttl(exc: Any) -> int | None:
    try:
        responses = exc.responses()
        for response in responses.values():
            ttl = int(response.resolve_chaining().minimum_ttl)
            return ttl if ttl < _MAX_TTL else None
    except Exception:  # no usable SOA: the TTL is simply not known
        return None
    return None


def _timeout_reason(exc: Any, lifetime: float) -> str:
    import dns.exception

    errors = [error[3] for error in exc.kwargs.get("errors") or []
              if not isinstance(error[3], dns.exception.Timeout)]
    if errors:
        return f"no usable answer within {lifetime:.1f} s ({_describe_error(errors[-1])})"
    return f"no answer from the DNS server within {lifetime:.1f} s"


def _server_errors(exc: Any) -> str:
    import dns.message

    errors = [error[3] for error in exc.kwargs.get("errors") or []]
    # A truncated UDP answer only sends the resolver to TCP: what went wrong there is the story.
    meaningful = [error for error in errors if not isinstance(error, dns.message.Truncated)]
    if not errors:
        return "the DNS server gave no usable answer"
    if not meaningful:
        return "the DNS server's answer was truncated and could not be read over TCP"
    return "; ".join(sorted({_describe_error(error) for error in meaningful}))


def _describe_error(error: object) -> str:
    if isinstance(error, str):
        return f"the DNS server answered {error}"
    if isinstance(error, Exception):
        return f"the DNS server's answer was unusable ({type(error).__name__}: {error})"
    return f"the DNS server failed ({error})"
