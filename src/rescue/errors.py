"""One error hierarchy. Every message is one line that names the file and position."""

from __future__ import annotations

from pathlib import Path


class RescueError(Exception):
    """Base of every error Rescue reports to the user (printed as one line, exit code 1)."""

    exit_code = 1

    def one_line(self) -> str:
        return " ".join(str(self).split())


class UsageError(RescueError):
    """The command was called wrongly (missing folder, bad option value)."""

    exit_code = 2


class OperationError(RescueError):
    """The operation folder is missing, incomplete or not an operation."""


class SourceError(RescueError):
    """A seized source cannot be read at all (unknown format, unreadable file)."""

    def __init__(self, path: Path | str, message: str, *, offset: int | None = None,
                 line: int | None = None) -> None:
        where = str(path)
        if line is not None:
            where += f":{line}"
        if offset is not None:
            where += f" (byte {offset})"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.offset = offset
        self.line = line


class DumpSyntaxError(SourceError):
    """A dump is malformed in a way that stops reading (truncated, not a dump)."""


class AdapterError(SourceError):
    """No adapter recognises the source's structure, or a required table is missing."""


class SynthError(RescueError):
    """The synthetic world generator was given impossible parameters."""
