"""A small pool of worker processes for the parallel ingest, started with ``subprocess``.

Not ``multiprocessing``: its spawn and forkserver start methods re-run the caller's main
script in every worker (a script without a ``__main__`` guard would ingest again, recursively),
and fork would copy a process holding a DuckDB connection and its threads. A worker here is a
fresh interpreter running :func:`rescue.ingest.worker.main`; the configuration, the parts and
the results travel as pickles over its stdin and stdout (a result framed by its length). Each
worker has a couple of parts queued; results are yielded in part order. A worker ends at the
end of its stdin, so it also ends when the parent dies (and it is killed at once then, see
:func:`rescue.ingest.worker.die_with_parent`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import struct
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import rescue
from rescue.ingest.partition import Part
from rescue.ingest.worker import PartResult, WorkerConfig

# Die with the parent (PR_SET_PDEATHSIG, Linux) before the slow imports, then serve.
AHEAD = 2  # parts queued per worker
HEADER = struct.Struct("<Q")  # a result is its pickle's length, then the pickle


def _frames(box: bytearray, pid: int) -> Iterator[PartResult]:
    """Complete results at the start of ``box`` (taken out of it)."""
    while len(box) >= HEADER.size:
        (n,) = HEADER.unpack_from(box)
        if len(box) < HEADER.size + n:
            return
        try:
            result = pickle.loads(box[HEADER.size:HEADER.size + n])
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            raise WorkerDied(f"worker {pid} sent an unreadable result") from exc
        del box[:HEADER.size + n]
        if not isinstance(result, PartResult):
            raise WorkerDied(f"worker {pid} answered {type(result).__name__}")
        yield result


_ENTRY = """import ctypes, os, sys
try:
    ctypes.CDLL(None).prctl(1, 9)
except (OSError, AttributeError):
    pass
if os.getppid() != int(sys.argv[1]):
    os._exit(1)
from rescue.ingest.worker import main
main()
"""


class WorkerDied(Exception):
    """A worker process ended without answering (crash, kill, out of memory)."""


class Workers:
    def __init__(self, n: int, config: WorkerConfig, log_dir: Path) -> None:
        env = dict(os.environ)
        root = str(Path(rescue.__file__).resolve().parent.parent)  # the same rescue as the parent's
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        self.logs = [log_dir / f"worker-{i}.log" for i in range(n)]
        self.procs: list[subprocess.Popen[bytes]] = []
        try:
            for log in self.logs:
                with log.open("wb") as err:
                    self.procs.append(subprocess.Popen(
                        [sys.executable, "-c", _ENTRY, str(os.getpid())], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, stderr=err, env=env, close_fds=True))
            for proc in self.procs:
                self._send(proc, config)
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _send(proc: subprocess.Popen[bytes], obj: Any) -> None:
        stdin: IO[bytes] | None = proc.stdin
        assert stdin is not None
        try:
            pickle.dump(obj, stdin, protocol=pickle.HIGHEST_PROTOCOL)
            stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerDied(f"worker {proc.pid} is gone") from exc

    def map(self, parts: Sequence[Part]) -> Iterator[PartResult]:
        """Results of ``parts``, in their order. Each worker has up to ``AHEAD`` parts queued, so
        that it goes on while the caller is busy with a result."""
        todo = iter(range(len(parts)))
        done: dict[int, PartResult] = {}
        queued = {proc.pid: 0 for proc in self.procs}
        inbox = {proc.pid: bytearray() for proc in self.procs}
        sel = selectors.DefaultSelector()
        try:
            for proc in self.procs:
                assert proc.stdout is not None
                sel.register(proc.stdout.fileno(), selectors.EVENT_READ, proc)
                for _ in range(AHEAD):
                    self._give(proc, parts, todo, queued)
            for want in range(len(parts)):
                while want not in done:
                    for key, _ in sel.select():
                        proc = key.data
                        data = os.read(key.fd, 1 << 20)
                        if not data:
                            raise WorkerDied(f"worker {proc.pid} ended without a result: {self.log_tail(proc)}")
                        box = inbox[proc.pid]
                        box += data
                        for result in _frames(box, proc.pid):
                            done[result.index] = result
                            queued[proc.pid] -= 1
                            self._give(proc, parts, todo, queued)
                yield done.pop(want)
        finally:
            sel.close()

    def _give(self, proc: subprocess.Popen[bytes], parts: Sequence[Part], todo: Iterator[int],
              queued: dict[int, int]) -> None:
        i = next(todo, None)
        if i is not None:
            self._send(proc, parts[i])
            queued[proc.pid] += 1

    def log_tail(self, proc: subprocess.Popen[bytes]) -> str:
        try:
            text = self.logs[self.procs.index(proc)].read_text("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""
        return text.splitlines()[-1][:300] if text else f"exit status {proc.poll()}"

    def close(self, *, kill: bool = False) -> None:
        """Stop every worker: idle ones end with their input; ``kill`` (or a slow one) is killed."""
        for proc in self.procs:
            if kill:
                proc.kill()
            if proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
