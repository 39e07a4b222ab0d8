"""Write output files whole or not at all: a temporary file in the same folder, then a rename.

Every failure of the environment while writing (no space left, a read-only folder or file system, no permission,
a name too long, a quota) becomes an ``OutputError`` naming the file and the reason in words, and the temporary
file is removed on every path out, so a full disk leaves neither a half-written output nor a ``.part`` file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from riskengine.errors import OutputError


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[IO[bytes]]:
    """Yield a binary handle; on success the bytes replace ``path`` in one rename, on error nothing is left.

    An ``OSError`` while writing to the handle, flushing, syncing or renaming is raised as ``OutputError``
    (``cannot write out/r.pdf: no space left on device``); other errors of the caller pass through unchanged.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(cannot_write(path, exc)) from exc
    try:
        try:
            with os.fdopen(descriptor, "wb") as handle:
                os.fchmod(handle.fileno(), 0o666 & ~_umask())
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except OSError as exc:
            raise OutputError(cannot_write(path, exc)) from exc
    except BaseException:
        # Whatever went wrong (a full disk on write or fsync, an error of the caller, Ctrl-C), the temporary
        # file goes: the folder holds the previous output or nothing, never a part of a new one.
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def cannot_write(path: Path, exc: OSError) -> str:
    """``cannot write out/r.pdf: no space left on device``: the path and the system's reason, in words."""
    reason = exc.strerror or (os.strerror(exc.errno) if exc.errno else str(exc)) or type(exc).__name__
    return f"cannot write {path}: {reason[:1].lower()}{reason[1:]}"


def _umask() -> int:
    """The process umask (read by setting it, the only way POSIX offers), so outputs get normal permissions."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_bytes_atomically(path: Path, data: bytes) -> None:
    with atomic_write(path) as handle:
        handle.write(data)
