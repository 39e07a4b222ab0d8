"""The sha256 of a file, read in blocks: how every input, report and evidence file is identified."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

_BLOCK = 1 << 20


def file_sha256(path: Path) -> str:
    """The lowercase hex sha256 of the regular file at ``path``.

    Only a regular file is hashed, and only the bytes it held when opened: a named pipe or a device
    (``/dev/zero``) would never end, so it is refused with ``UnreadableFileError`` instead of hanging. The file
    is opened without blocking (opening a FIFO with no writer would wait forever) and checked on the open
    descriptor, so a file swapped for a pipe after a check elsewhere is refused too.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            from riskengine.errors import UnreadableFileError
            from riskengine.runfiles import not_regular_reason

            raise UnreadableFileError(str(path), f"the file {not_regular_reason(status.st_mode)}")
        os.set_blocking(handle.fileno(), True)
        digest = hashlib.sha256()
        remaining = status.st_size
        while remaining > 0 and (block := handle.read(min(_BLOCK, remaining))):
            digest.update(block)
            remaining -= len(block)
    return digest.hexdigest()
