"""Where the shipped data folders are: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
DATA_FOLDERS = ("questionnaires", "scoring", "templates")
"""The folders of policy files (what ``--policy DIR`` may override, ``riskengine.policy``)."""
SHIPPED_FOLDERS = (*DATA_FOLDERS, "fingerprints")
"""Every shipped data folder: the policy's, and discover's fingerprints (not policy: ``--fingerprints`` replaces
them)."""


def data_path(folder: str, *parts: str) -> Path:
    """Return the path of a shipped data file.

    An installed wheel carries the folders under ``riskengine/_data``; an editable install or a checkout
    reads them from the top of the repository, so editing the YAML there takes effect at once.
    """
    if folder not in SHIPPED_FOLDERS:
        raise ValueError(f"unknown data folder {folder!r}; expected one of {', '.join(SHIPPED_FOLDERS)}")
    for root in (_PACKAGE / "_data", _PACKAGE.parent):
        candidate = root / folder
        if candidate.is_dir():
            return candidate.joinpath(*parts)
    raise FileNotFoundError(f"riskengine data folder {folder!r} not found (broken installation)")
