"""What one web server is set up with: the database, the inventories and organisation profiles users may pick,
the folders for uploads and rendered reports, the network settings of the evidence, and sign-in by a trusted
header (``--trust-header``) with its role mapping."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from riskengine.council.store import CouncilRole
from riskengine.datafile import load_yaml_model

if TYPE_CHECKING:
    from riskengine.enrich.settings import NetworkSettings
    from riskengine.settings import SigningSettings
    from riskengine.settings.mail import MailSettings

UPLOAD_LIMIT_BYTES = 25_000_000
"""The largest upload: the largest questionnaire workbook the readers open (``questionnaire.workbook``)."""


class RoleMapping(BaseModel):
    """Who is who behind an authenticating proxy: each user name the proxy passes gets a role.

    ``users`` maps a user name to its role; ``default`` is the role of any other name (leave it out to refuse
    them). See docs/web.md, "Single sign-on"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    users: dict[str, CouncilRole] = {}
    default: CouncilRole | None = None

    def role_of(self, name: str) -> CouncilRole | None:
        return self.users.get(name, self.default)


def load_role_mapping(path: Path) -> RoleMapping:
    """The role mapping file (YAML); its problems are an ``InputError`` with ``file:line`` places."""
    return load_yaml_model(path, RoleMapping, user_file=True)


@dataclass(frozen=True)
class Choice:
    """An inventory or organisation profile a user may pick: its id in forms, its label, its file."""

    id: str
    label: str
    path: Path


def choices(paths: tuple[Path, ...]) -> tuple[Choice, ...]:
    return tuple(Choice(id=str(index), label=path.name, path=path) for index, path in enumerate(paths, start=1))


@dataclass(frozen=True)
class WebSettings:
    database: Path | str
    """The riskengine database: a SQLite file's path or a database URL (``riskengine.database``)."""
    data_folder: Path
    """Where uploads and rendered reports are kept (never served as files: only by id, through checks)."""
    network: NetworkSettings
    inventories: tuple[Choice, ...] = ()
    organisations: tuple[Choice, ...] = ()
    trust_header: str | None = None
    roles: RoleMapping = field(default_factory=RoleMapping)
    upload_limit: int = UPLOAD_LIMIT_BYTES
    signing: SigningSettings | None = None
    """The organisation's key that signs a report once its decision is final ([signing] in riskengine.toml)."""
    mail: MailSettings | None = None
    """How invitations are mailed (``[mail]`` in riskengine.toml); None: inviting from the web app is off."""
    organisation_name: str | None = None
    """The organisation that signs the mails and the vendor's pages (the first organisation profile's)."""

    @property
    def uploads(self) -> Path:
        return self.data_folder / "uploads"

    @property
    def reports(self) -> Path:
        return self.data_folder / "reports"
