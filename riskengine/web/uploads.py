"""Uploaded files: their kind told by their first bytes (never by their name), stored under a random name in the
data folder (outside anything served), and removed when what they were for fails.

A questionnaire may be a workbook (a zip: ours, CAIQ, HECVAT) or VSAQ answers (JSON); an evidence file may also
be a PDF, a PNG or JPEG image, or plain UTF-8 text. Anything else is refused before it is kept.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from riskengine.web.security import Refused

if TYPE_CHECKING:
    from riskengine.errors import InputError, Problem

Kind = Literal["xlsx", "json", "pdf", "png", "jpeg", "text"]
QUESTIONNAIRE_KINDS: tuple[Kind, ...] = ("xlsx", "json")
EVIDENCE_KINDS: tuple[Kind, ...] = ("xlsx", "json", "pdf", "png", "jpeg", "text")
_SUFFIX: dict[Kind, str] = {"xlsx": ".xlsx", "json": ".json", "pdf": ".pdf", "png": ".png", "jpeg": ".jpg",
                            "text": ".txt"}
_DESCRIBED: dict[Kind, str] = {"xlsx": "an Excel workbook", "json": "JSON", "pdf": "a PDF", "png": "a PNG image",
                               "jpeg": "a JPEG image", "text": "plain text"}


@dataclass(frozen=True)
class StoredUpload:
    path: Path
    """Where it is kept: a random name with the suffix of its kind (the readers choose by suffix)."""
    original_name: str
    sha256: str
    kind: Kind

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)

    def as_uploaded(self, problem: Problem) -> Problem:
        """A problem as the person who uploaded the file knows it: the file by the name they gave it, not the
        random name it was kept under (which says nothing to them, and is the server's business)."""
        return problem.model_copy(update={"place": problem.place.replace(str(self.path), self.original_name),
                                          "message": problem.message.replace(str(self.path), self.original_name)})

    def refused(self, error: InputError) -> dict[str, Any]:
        """Remove the file, and give the problems of its refusal for ``problems.html`` (errors and warnings,
        each with its cell, the file named as uploaded)."""
        self.remove()
        named = [self.as_uploaded(problem) for problem in error.problems]
        return {"problems": [problem for problem in named if problem.severity == "error"],
                "warnings": [problem for problem in named if problem.severity == "warning"],
                "upload_name": self.original_name}


def sniff(head: bytes) -> Kind | None:
    """The kind of a file from its first bytes, or None."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return "json"
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a character cut at the end of the sample is no proof
                return None
        return "text"
    return None


def store_upload(data: bytes, original_name: str, folder: Path, allowed: tuple[Kind, ...], what: str,
                 limit: int) -> StoredUpload:
    """Keep ``data`` under a random name in ``folder``; ``Refused`` when it is larger than ``limit`` bytes (413) or
    its content is not an allowed kind (415)."""
    if len(data) > limit:
        raise Refused(413, f"the {what} is larger than {limit // 1_000_000} MB, the largest file riskengine reads. "
                           "Nothing was recorded.")
    kind = sniff(data[:4096])
    if not data:
        raise Refused(415, f"the {what} is empty. Nothing was recorded.")
    if kind not in allowed:
        expected = " or ".join(_DESCRIBED[item] for item in allowed)
        raise Refused(415, f"the {what} ({_shown_name(original_name)}) is not {expected} by its content. "
                           "Nothing was recorded.")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / (secrets.token_hex(16) + _SUFFIX[kind])
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return StoredUpload(path=path, original_name=_shown_name(original_name), sha256=hashlib.sha256(data).hexdigest(),
                        kind=kind)


def _shown_name(name: str) -> str:
    """The uploaded name as shown to people: its last part, printable, at most 120 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(character for character in base if character.isprintable())[:120] or "upload"
