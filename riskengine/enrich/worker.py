"""Parse a network reply in a separate process, stopped when the vendor's deadline runs out.

python-whois reads a WHOIS reply with dozens of regular expressions, and the standard library's HTMLParser
reads a page: on hostile text either can run for minutes (64 KB of 1,000-character WHOIS lines take about
4 s; a megabyte of ``<a`` keeps HTMLParser busy for more than five minutes), and a regular expression holds
the interpreter's lock all the while, so no watchdog thread in our own process could even notice. A thread
cannot be stopped; a process can. So these parsers run in worker processes of our own, and a parse that
outlives the deadline is ended by killing its worker.

Starting a worker costs a Python start-up (about 0.1 s, plus 0.4 s to import python-whois), so workers are
kept and reused: at most one per CPU, each serving one parse at a time, ended with our process (their input
closes, or they are killed if still parsing). The first is started in the background as a vendor's checks
begin (``warm_up``), the others when needed. A parse waits for a free worker within the same deadline.
Each worker caps its own memory (``WORKER_MEMORY_BYTES``). The request and the answer are JSON, framed by
a 4-byte length; the tasks are the functions of ``riskengine.enrich.replies`` named in ``_TASKS``, nothing
else.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from riskengine.enrich.guard import Deadline, DeadlineExceeded

WORKER_MEMORY_BYTES = 1 << 30
"""Address space a worker may use: ample for parsing the 1 MB a reply is capped at, and a hostile reply
that makes a parser allocate without end fails in the worker, not in us."""
_FRAME = struct.Struct(">I")
_ROOT = str(Path(__file__).resolve().parent.parent.parent)
_BOOT = f"import sys; sys.path.insert(0, {_ROOT!r}); from riskengine.enrich.worker import serve; serve()"


class ParseFailed(Exception):
    """The parser raised, or its worker died; the message says what happened, for the "unknown" evidence."""


def parse_within(task: str, arguments: dict[str, Any], deadline: Deadline, *, what: str) -> Any:
    """The result of ``task`` (a name in ``_TASKS``) on ``arguments``, computed in a worker process.

    Raises ``DeadlineExceeded`` when the deadline runs out first (waiting for a worker counts): the worker
    is killed and the message names ``what`` was being parsed. Raises ``ParseFailed`` when the parser
    failed, and re-raises ``RegistrationUnreadable`` as itself (a reply with no data is an answer).
    """
    request = json.dumps({"task": task, "arguments": arguments}, ensure_ascii=False).encode("utf-8", "replace")
    answer = _pool().run(request, deadline, what)
    if "value" in answer:
        return answer["value"]
    if answer.get("error") == "RegistrationUnreadable":
        from riskengine.enrich.replies import RegistrationUnreadable

        raise RegistrationUnreadable(str(answer.get("message", "")))
    raise ParseFailed(f"the parser failed on {what} ({answer.get('error')}: {str(answer.get('message'))[:200]})")


def warm_up() -> None:
    """Start a worker in the background, with python-whois imported, unless one was started already.

    Called when a vendor's checks begin: the half second a first worker needs is then spent while the
    first replies are on their way, not after they arrive.
    """
    if _pool().started:
        return

    def warm() -> None:
        with contextlib.suppress(Exception):  # only a head start: a real parse starts its own worker if need be
            parse_within("warm-up", {}, Deadline(60.0), what="the warm-up")

    threading.Thread(target=warm, name="riskengine-parse-warm-up", daemon=True).start()


# --------------------------------------------------------------------------------------------- our side


class _Worker:
    """One parser process and its pipes."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", _BOOT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, close_fds=True)

    def alive(self) -> bool:
        return self.process.poll() is None

    def exchange(self, request: bytes, deadline: Deadline, what: str) -> dict[str, Any]:
        """Send one request and wait for its answer until the deadline; kill the process if it runs out."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        box: dict[str, Any] = {}
        done = threading.Event()

        def read() -> None:
            try:
                box["answer"] = _read_frame(stdout)
            except (OSError, ValueError) as exc:
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=read, name="riskengine-parse-reader", daemon=True).start()
        try:
            stdin.write(_FRAME.pack(len(request)) + request)
            stdin.flush()
        except OSError:
            self.close()
            raise ParseFailed(f"the parser process stopped before it read {what}") from None
        try:
            finished = done.wait(deadline.remaining())
        except DeadlineExceeded:
            finished = done.is_set()
        if not finished:
            self.close()
            raise DeadlineExceeded(f"the {deadline.seconds:g} s deadline ran out while {what} was being parsed "
                                   "(the parser was stopped)")
        frame = box.get("answer")
        if frame is None:
            self.close()
            raise ParseFailed(f"the parser process stopped while it read {what} (exit code {self.process.poll()})")
        answer: dict[str, Any] = json.loads(frame)
        return answer

    def close(self) -> None:
        """Kill the process (it may be stuck in a parse) and reap it."""
        if self.alive():
            self.process.kill()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # a broken pipe to a dead process
                    pipe.close()
        self.process.wait()

    def retire(self) -> None:
        """End an idle worker: closing its input ends its loop; kill it if it lingers."""
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(timeout=0.5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.close()


class _Pool:
    """At most ``size`` workers; an idle one is reused, a killed or dead one replaced."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pid = os.getpid()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._running = 0
        self._condition = threading.Condition()
        self.started = False
        """Whether a worker was ever started (``warm_up`` starts the first one only)."""

    def run(self, request: bytes, deadline: Deadline, what: str) -> dict[str, Any]:
        deadline.remaining()  # raises DeadlineExceeded before a worker is taken
        worker = self._acquire(deadline, what)
        kept = False
        try:
            answer = worker.exchange(request, deadline, what)
            kept = True
            return answer
        finally:
            self._release(worker, kept)

    def _acquire(self, deadline: Deadline, what: str) -> _Worker:
        with self._condition:
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        self._busy.add(worker)
                        return worker
                    self._running -= 1
                    worker.close()
                if self._running < self.size:
                    self._running += 1
                    self.started = True
                    break
                try:
                    self._condition.wait(deadline.remaining())
                except DeadlineExceeded:
                    raise DeadlineExceeded(f"the {deadline.seconds:g} s deadline ran out before a parser was free "
                                           f"for {what}") from None
        try:
            worker = _Worker()
        except OSError as exc:
            with self._condition:
                self._running -= 1
                self._condition.notify()
            raise ParseFailed(f"no parser process could be started for {what} ({exc})") from None
        with self._condition:
            self._busy.add(worker)
        return worker

    def _release(self, worker: _Worker, kept: bool) -> None:
        with self._condition:
            if worker not in self._busy:  # shut() already took it
                return
            self._busy.discard(worker)
            if kept and worker.alive():
                self._idle.append(worker)
            else:
                self._running -= 1
                worker.close()
            self._condition.notify()

    def shut(self) -> None:
        """At exit: idle workers end when their input closes; a worker still parsing (its caller interrupted)
        is killed, so no parse outlives us."""
        with self._condition:
            idle, self._idle = self._idle, []
            busy, self._busy = list(self._busy), set()
            self._running -= len(idle) + len(busy)
        for worker in idle:
            worker.retire()
        for worker in busy:
            worker.close()


_POOL: _Pool | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> _Pool:
    """The process's pool, made on first use (and made again in a forked child, which must not share pipes)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL.pid != os.getpid():
            _POOL = _Pool(size=max(2, os.cpu_count() or 2))
            atexit.register(_POOL.shut)
        return _POOL


def _read_frame(stream: IO[bytes]) -> bytes | None:
    """One length-prefixed frame, or None at the end of the stream."""
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        return None
    (size,) = _FRAME.unpack(head)
    body = stream.read(size)
    if len(body) < size:
        return None
    return body


# --------------------------------------------------------------------------------------------- the worker


def _whois(domain: str, text: str, now: str) -> dict[str, Any]:
    import datetime as dt

    from riskengine.enrich.replies import parse_whois

    return parse_whois(domain, text, dt.datetime.fromisoformat(now)).to_json()


def _privacy_link(html: str) -> str | None:
    from riskengine.enrich.replies import privacy_link

    return privacy_link(html)


def _warm_up() -> None:
    import whois.parser  # noqa: F401 - imported for its cost: 0.4 s, paid before the first reply comes

    from riskengine.enrich import replies  # noqa: F401


_TASKS: dict[str, Callable[..., Any]] = {"whois": _whois, "privacy-link": _privacy_link, "warm-up": _warm_up}


def serve() -> None:
    """The worker's loop: read a request, run its task, answer; end when the input closes."""
    _cap_memory()
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a parser that prints must not corrupt the answers
    while True:
        frame = _read_frame(requests)
        if frame is None:
            return
        try:
            message = json.loads(frame)
            answer: dict[str, Any] = {"value": _TASKS[message["task"]](**message["arguments"])}
        except Exception as exc:  # handed back to the caller, which turns it into "unknown" evidence
            answer = {"error": type(exc).__name__, "message": str(exc)[:2000]}
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8", "replace")
        answers.write(_FRAME.pack(len(data)) + data)
        answers.flush()


def _cap_memory() -> None:
    try:
        import resource
    except ImportError:  # not POSIX: the deadline still bounds the worker
        return
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = WORKER_MEMORY_BYTES if hard == resource.RLIM_INFINITY else min(WORKER_MEMORY_BYTES, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return
