"""The marketing technology council: its people and roles, their sessions, the audit log of what each did, and
the lifecycle of the conditions an approval carries (open, done with evidence, waived).

It keeps its tables in the riskengine database as the ``council`` component (its own numbered migrations,
``riskengine.council.schema``), beside the register, whose assessments and sign-offs it only reads through
``Register``'s public methods. The web app (``riskengine serve``) and the CLI (``riskengine user add``,
``riskengine due``) are its callers::

    from riskengine.council import Council
    with Council(location) as council:  # a SQLite file's path or a database URL, as the register
        council.add_user("dana", role="compliance", password="...", now=now)
        for condition in council.overdue(today):
            print(condition.assessment_id, condition.action, condition.due_date)

The vendor loop (docs/vendors.md): ``invite`` opens a request and mails its private link, ``VendorRequests`` keeps
the requests, their evidence documents and the reminders sent, ``remind`` chases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskengine.exports import lazy_exports

if TYPE_CHECKING:
    from riskengine.council.conditions import conditions_due, track_assessments
    from riskengine.council.errors import CouncilError
    from riskengine.council.invitations import Invitation, invite
    from riskengine.council.reminders import Reminder, remind
    from riskengine.council.requests import TokenRefused, VendorDocument, VendorRequest, VendorRequests
    from riskengine.council.rules import condition_due_date, tracked_conditions
    from riskengine.council.store import AuditEvent, ConditionRecord, Council, Session, User

_EXPORTS = {
    "Council": "riskengine.council.store",
    "CouncilError": "riskengine.council.errors",
    "User": "riskengine.council.store",
    "Session": "riskengine.council.store",
    "AuditEvent": "riskengine.council.store",
    "ConditionRecord": "riskengine.council.store",
    "track_assessments": "riskengine.council.conditions",
    "conditions_due": "riskengine.council.conditions",
    "tracked_conditions": "riskengine.council.rules",
    "condition_due_date": "riskengine.council.rules",
    "VendorRequests": "riskengine.council.requests",
    "VendorRequest": "riskengine.council.requests",
    "VendorDocument": "riskengine.council.requests",
    "TokenRefused": "riskengine.council.requests",
    "Invitation": "riskengine.council.invitations",
    "invite": "riskengine.council.invitations",
    "Reminder": "riskengine.council.reminders",
    "remind": "riskengine.council.reminders",
}
__getattr__ = lazy_exports(__name__, _EXPORTS)
__all__ = ["AuditEvent", "ConditionRecord", "Council", "CouncilError", "Invitation", "Reminder", "Session",
           "TokenRefused", "User", "VendorDocument", "VendorRequest", "VendorRequests", "condition_due_date",
           "conditions_due", "invite", "remind", "track_assessments", "tracked_conditions"]
