"""The words evidence is described in (its kinds, statuses and modes), apart from the checks that produce it.

They sit in the policy layer so that the report's wording can be validated against them without importing
the network code.
"""

from __future__ import annotations

from typing import Literal

Status = Literal["pass", "fail", "unknown"]
Kind = Literal["registration", "dns", "web"]
Mode = Literal["online", "offline", "replay"]
"""How an assessment's evidence was had: fetched (the store first), from the store only, or replayed."""
