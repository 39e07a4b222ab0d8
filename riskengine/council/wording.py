"""The vendor loop's working rules and wording (``templates/vendors.yaml``): how long a link lives, when reminders go
out, the evidence documents a vendor may attach, and the text of every mail; validated on load, placeholders
included (a mail naming an unknown one is an error with the file and the mail's name)."""

from __future__ import annotations

import string
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from riskengine.datafile import load_yaml_model
from riskengine.resources import data_path

PLACEHOLDERS = frozenset({"vendor", "link", "due", "organisation", "state", "note", "document", "expires",
                          "assessment", "condition", "action", "owner", "sent"})
MailName = Literal["invitation", "evidence", "due_soon", "overdue", "condition"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MailText(_Frozen):
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)

    @model_validator(mode="after")
    def _known_placeholders(self) -> MailText:
        for text in (self.subject, self.body):
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            unknown = sorted(names - PLACEHOLDERS)
            if unknown:
                raise ValueError(f"unknown placeholders {', '.join('{' + name + '}' for name in unknown)}; known: "
                                 f"{', '.join(sorted(PLACEHOLDERS))}")
        return self

    def fill(self, **values: str) -> tuple[str, str]:
        """The subject and body with the placeholders filled (a value's braces stay as they are)."""
        return self.subject.format_map(_Values(values)), self.body.format_map(_Values(values))


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


class DocumentKind(_Frozen):
    title: str = Field(min_length=1, max_length=100)
    expiry: bool
    """Whether the document has an expiry date the vendor must give (a report's period, a certificate's end)."""


class VendorRules(_Frozen):
    organisation: str = Field(min_length=1, max_length=100)
    default_due_days: int = Field(ge=1, le=365)
    link_days_after_due: int = Field(ge=1, le=365)
    remind_before_due_days: int = Field(ge=0, le=60)
    overdue_every_days: int = Field(ge=1, le=60)
    condition_remind_days: int = Field(ge=0, le=365)
    evidence_renewal_days: int = Field(ge=1, le=365)
    documents: dict[str, DocumentKind] = Field(min_length=1)
    mails: dict[MailName, MailText]

    @model_validator(mode="after")
    def _every_mail(self) -> VendorRules:
        missing = sorted(set(MailName.__args__) - set(self.mails))  # type: ignore[attr-defined]
        if missing:
            raise ValueError(f"mails missing: {', '.join(missing)}")
        return self


@cache
def vendor_rules() -> VendorRules:
    """The shipped ``templates/vendors.yaml``, validated on load."""
    return load_yaml_model(data_path("templates", "vendors.yaml"), VendorRules)
