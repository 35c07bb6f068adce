"""What every reader yields: table definitions, raw rows with their position, bad rows.

A reader knows the container (mysqldump, pg_dump, SQLite, live server), not the forum
software. It never decodes text columns: quoted strings arrive as ``bytes`` so that the
adapter can decide, per column type and declared charset, how to turn them into text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

# A SQL value as the dump wrote it: NULL, an integer, a non-integer number kept as its exact
# literal text (decimal/float), or the bytes of a quoted string / hex literal.
Value = None | int | str | bytes


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    sql_type: str  # lower case, as declared: "varchar(40)", "varbinary(16)", "int(11) unsigned"

    @property
    def is_binary(self) -> bool:
        t = self.sql_type
        return t.startswith(("binary", "varbinary", "blob", "tinyblob", "mediumblob", "longblob", "bytea"))


@dataclass(frozen=True, slots=True)
class TableDef:
    """A table as declared by CREATE TABLE (or inferred from a column list)."""

    name: str
    columns: tuple[Column, ...]
    charset: str | None = None  # the table's default charset, e.g. "utf8mb3", "latin1"
    offset: int = 0
    line: int = 0

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row of one table. ``columns`` is set when the dump names them (complete insert)."""

    table: str
    values: tuple[Value, ...]
    offset: int  # byte offset of the row's opening parenthesis in the (decompressed) stream
    line: int  # 1-based line of that byte
    columns: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row, or a stretch of a statement, that could not be tokenised. Goes to quarantine."""

    table: str
    offset: int
    line: int
    reason: str
    raw: bytes = b""


@dataclass(frozen=True, slots=True)
class ConnectionCharset:
    """``SET NAMES x`` seen in the dump: the charset the text bytes are written in."""

    charset: str


Event = TableDef | RawRow | BadRow | ConnectionCharset


@dataclass
class ReadStats:
    bytes_read: int = 0
    statements: int = 0
    skipped_statements: dict[str, int] = field(default_factory=dict)


EventStream = Iterator[Event]


@dataclass
class DumpStructure:
    """What a first look at a source found: its tables (by name) and its text encoding."""

    defs: dict[str, TableDef] = field(default_factory=dict)
    insert_tables: set[str] = field(default_factory=set)  # tables that have rows
    charset: str | None = None
    bytes_scanned: int = 0


class SourceReader(Protocol):
    """A container format's reader, as the ingest pipeline uses it.

    ``structure()`` is cheap (table definitions only) and lets the adapter be chosen before
    any row is mapped; ``events()`` streams every table definition and row with its position
    (for files: byte offset and line in the decompressed stream; for databases: the row's
    ordinal in its table, line 0). ``progress(done)`` is called with bytes (or rows) done.
    """

    format: str
    total: int | None

    def structure(self) -> DumpStructure: ...

    def events(self, progress: Callable[[int], None] | None = None) -> Iterator[Event]: ...
