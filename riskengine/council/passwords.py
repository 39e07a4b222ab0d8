"""Password hashes: argon2id (argon2-cffi, part of the ``web`` extra) with its library's defaults (RFC 9106's
second recommended option: 64 MiB, 3 passes), which it raises as the advice changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from riskengine.errors import UsageError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 12
"""NIST SP 800-63B allows 8; a council account signs approvals, so we ask for more."""


def _hasher() -> PasswordHasher:
    try:
        from argon2 import PasswordHasher
    except ImportError:
        raise UsageError("the web app's accounts need the web extra: pip install 'riskengine[web]'") from None
    return PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``; ``UsageError`` when it is shorter than ``MIN_LENGTH``."""
    if len(password) < MIN_LENGTH:
        raise UsageError(f"a password needs at least {MIN_LENGTH} characters, got {len(password)}")
    return str(_hasher().hash(password))


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one hashed; with no stored hash a dummy hash is checked (the same time
    either way, so the answer's delay does not tell whether a user exists)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    try:
        return bool(hasher.verify(stored_hash or _DUMMY.get(hasher), password)) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


class _Dummy:
    """One hash made on first use, to check against when the user does not exist."""

    value: str = ""

    def get(self, hasher: PasswordHasher) -> str:
        if not self.value:
            self.value = str(hasher.hash("not a password of anyone"))
        return self.value


_DUMMY = _Dummy()
