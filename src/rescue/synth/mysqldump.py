"""Write a dump exactly as mariadb-dump 10.11 does, streaming each table through a spool file.

Rows of every table go to their own temporary file as they are produced (extended INSERTs,
one tuple per line, a new statement when the current one would pass ``net_buffer_length``);
:meth:`DumpWriter.finish` then writes the header, each table in alphabetical order (DDL with
the right ``AUTO_INCREMENT``, LOCK/DISABLE KEYS, data, ENABLE KEYS/UNLOCK) and the footer.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from rescue.errors import SynthError

NET_BUFFER_LENGTH = 1_000_000
_COLUMN = re.compile(r"^  `([^`]+)` ([a-z]+(?:\([^)]*\))?)(.*?),?$")
_STATEMENT = re.compile(r"^CREATE TABLE `.*?^\) ENGINE=[^\n]*;$", re.S | re.M)
_AUTO = re.compile(r" AUTO_INCREMENT=\d+")
_ENGINE = re.compile(r"\) ENGINE=(\w+) DEFAULT")


class Lit(str):
    """A value written without quotes (decimal literals such as ``0.00``)."""

    __slots__ = ()


Value = int | str | bytes | None


def escape(s: str) -> str:
    """mysqldump's string escaping: \\0 \\' \\" \\\\ \\n \\r \\Z; TAB stays raw."""
    if "\\" in s:
        s = s.replace("\\", "\\\\")
    if "'" in s:
        s = s.replace("'", "\\'")
    if '"' in s:
        s = s.replace('"', '\\"')
    if "\n" in s:
        s = s.replace("\n", "\\n")
    if "\r" in s:
        s = s.replace("\r", "\\r")
    if "\0" in s:
        s = s.replace("\0", "\\0")
    if "\x1a" in s:
        s = s.replace("\x1a", "\\Z")
    return s


def sql_tuple(values: Sequence[Value]) -> str:
    parts: list[str] = []
    add = parts.append
    for v in values:
        c = v.__class__
        if c is int:
            add(str(v))
        elif c is str:
            add(f"'{escape(v)}'" if v else "''")  # type: ignore[arg-type]
        elif c is Lit:
            add(str.__str__(v))  # type: ignore[arg-type]
        elif v is None:
            add("NULL")
        elif c is bytes:  # raw binary, as mariadb-dump writes it without --hex-blob (the file is then not UTF-8)
            add(f"'{escape(v.decode('utf-8', 'surrogateescape'))}'" if v else "''")  # type: ignore[union-attr]
        else:
            raise SynthError(f"cannot write {v!r} as a SQL value")
    return "(" + ",".join(parts) + ")"


def encode(row: str) -> bytes:
    """A row from :func:`sql_tuple` as the bytes of the dump (binary values come back byte for byte)."""
    return row.encode("utf-8", "surrogateescape")


@cache
def _schema_text(name: str) -> str:
    return (resources.files("rescue") / "data" / "schemas" / f"{name}.sql").read_text(encoding="utf-8")


def schema_ddl(name: str, prefix: str, default_prefix: str) -> list[str]:
    """The CREATE TABLE statements of a shipped install schema (``rescue/data/schemas/<name>.sql``), as a
    fresh install's dump has them, without ``AUTO_INCREMENT=`` (the dump writer sets it from the data) and with
    the table prefix ``default_prefix`` replaced by ``prefix``."""
    out = []
    for m in _STATEMENT.finditer(_schema_text(name)):
        ddl = _AUTO.sub("", m.group(), count=1)
        out.append(ddl.replace(f"`{default_prefix}", f"`{prefix}", 1))
    if not out:
        raise SynthError(f"schema {name}: no CREATE TABLE statements")
    return out


def create_table(name: str, columns: Sequence[tuple[str, str]], keys: Sequence[str], *, engine: str = "InnoDB",
                 charset: str = "utf8mb4 COLLATE=utf8mb4_general_ci") -> str:
    """A CREATE TABLE statement laid out as mariadb-dump writes it (for schemas Rescue does not ship)."""
    lines = [f"  `{c}` {t}" for c, t in columns] + [f"  {k}" for k in keys]
    return f"CREATE TABLE `{name}` (\n" + ",\n".join(lines) + f"\n) ENGINE={engine} DEFAULT CHARSET={charset};"


class Table:
    """A table of the dump: its DDL, column order and defaults (parsed from the DDL)."""

    def __init__(self, ddl: str) -> None:
        head = ddl.split("\n", 1)[0]
        self.name = head.split("`")[1]
        self.ddl = ddl
        self.columns: list[str] = []
        self.defaults: dict[str, Value] = {}
        self.auto: str | None = None
        for line in ddl.split("\n")[1:]:
            m = _COLUMN.match(line)
            if not m:
                continue
            col, sql_type, rest = m.groups()
            self.columns.append(col)
            if "AUTO_INCREMENT" in rest:
                self.auto = col
                self.defaults[col] = 0
            elif "DEFAULT NULL" in rest:
                self.defaults[col] = None
            elif "DEFAULT '" in rest:
                self.defaults[col] = rest.split("DEFAULT '", 1)[1].rsplit("'", 1)[0]
            elif "DEFAULT " in rest:
                lit = rest.split("DEFAULT ", 1)[1].split()[0]
                self.defaults[col] = Lit(lit) if "." in lit else int(lit)
            else:
                self.defaults[col] = 0 if "int" in sql_type else ""
        self._index = {c: i for i, c in enumerate(self.columns)}
        self._template = [self.defaults[c] for c in self.columns]

    def filler(self, *names: str) -> Callable[..., list[Value]]:
        """A fast row builder: ``fill(v1, v2, ...)`` sets ``names`` in order over the defaults."""
        idx = [self._index[n] for n in names]
        template = self._template

        def fill(*values: Value) -> list[Value]:
            out = list(template)
            for i, v in zip(idx, values, strict=True):
                out[i] = v
            return out

        return fill

    def row(self, **values: Value) -> list[Value]:
        """A full row from column defaults overridden by ``values`` (unknown names raise)."""
        out = list(self._template)
        index = self._index
        for k, v in values.items():
            i = index.get(k)
            if i is None:
                raise SynthError(f"table {self.name} has no column {k}")
            out[i] = v
        return out


class _Spool:
    def __init__(self, path: Path, table: Table) -> None:
        self.path = path
        self.fh: BinaryIO = path.open("wb")
        self.head = f"INSERT INTO `{table.name}` VALUES\n".encode()
        self.stmt = 0
        self.rows = 0
        self.parts: list[bytes] = []
        self.buffered = 0
        self.auto_pos = table.columns.index(table.auto) if table.auto else -1
        self.auto_max = 0

    def add(self, values: Sequence[Value]) -> None:
        self.add_encoded(encode(sql_tuple(values)))
        if self.auto_pos >= 0:
            v = values[self.auto_pos]
            if isinstance(v, int) and v > self.auto_max:
                self.auto_max = v

    def add_encoded(self, b: bytes) -> None:
        """Append a row already formatted by :func:`sql_tuple` and encoded (AUTO_INCREMENT: set auto_max)."""
        if self.stmt == 0:
            self.parts.append(self.head)
            self.stmt = len(self.head)
        elif self.stmt + len(b) + 2 > NET_BUFFER_LENGTH:
            self.parts.append(b";\n")
            self.parts.append(self.head)
            self.stmt = len(self.head)
        else:
            self.parts.append(b",\n")
        self.parts.append(b)
        self.stmt += len(b) + 2
        self.rows += 1
        self.buffered += len(b)
        if self.buffered > 1 << 20:
            self.flush()

    def flush(self) -> None:
        self.fh.write(b"".join(self.parts))
        self.parts.clear()
        self.buffered = 0

    def close(self) -> None:
        if self.rows:
            self.parts.append(b";\n")
        self.flush()
        self.fh.close()


class DumpWriter:
    """Spools rows per table and assembles the final dump file."""

    def __init__(self, path: Path, database: str, tables: list[Table], tmpdir: Path) -> None:
        self.path = path
        self.database = database
        self.tables = {t.name: t for t in tables}
        self._spools = {t.name: _Spool(tmpdir / f"{t.name}.part", t) for t in tables}
        self.auto_increment: dict[str, int] = {}

    def add(self, table: str, values: Sequence[Value]) -> None:
        self._spools[table].add(values)

    def spool(self, table: str) -> _Spool:
        return self._spools[table]

    def row_counts(self) -> dict[str, int]:
        return {name: s.rows for name, s in sorted(self._spools.items())}

    def finish(self, completed: int) -> dict[str, int]:
        for s in self._spools.values():
            s.close()
        with self.path.open("wb") as out:
            out.write(_header(self.database).encode())
            for name in sorted(self.tables):
                self._section(out, self.tables[name], self._spools[name])
                self._spools[name].path.unlink()  # free the disk as we go
            out.write(_footer(completed).encode())
        return self.row_counts()

    def _section(self, out: BinaryIO, table: Table, spool: _Spool) -> None:
        n = table.name
        ddl = table.ddl
        if table.auto and spool.rows:
            nxt = max(self.auto_increment.get(n, 0), spool.auto_max + 1)
            ddl = _ENGINE.sub(lambda m: f") ENGINE={m.group(1)} AUTO_INCREMENT={nxt} DEFAULT", ddl, count=1)
        out.write((
            f"\n--\n-- Table structure for table `{n}`\n--\n\n"
            f"DROP TABLE IF EXISTS `{n}`;\n"
            "/*!40101 SET @saved_cs_client     = @@character_set_client */;\n"
            "/*!40101 SET character_set_client = utf8mb4 */;\n"
            f"{ddl}\n"
            "/*!40101 SET character_set_client = @saved_cs_client */;\n\n"
            f"--\n-- Dumping data for table `{n}`\n--\n\n"
            f"LOCK TABLES `{n}` WRITE;\n"
            f"/*!40000 ALTER TABLE `{n}` DISABLE KEYS */;\n").encode())
        with spool.path.open("rb") as fh:
            shutil.copyfileobj(fh, out, 1 << 22)
        out.write(f"/*!40000 ALTER TABLE `{n}` ENABLE KEYS */;\nUNLOCK TABLES;\n".encode())


def _header(database: str) -> str:
    return (
        "/*M!999999\\- enable the sandbox mode */ \n"
        "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n"
        "--\n"
        f"-- Host: localhost    Database: {database}\n"
        "-- ------------------------------------------------------\n"
        "-- Server version\t10.11.19-MariaDB-0+deb12u1\n"
        "\n"
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
        "/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;\n"
        "/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;\n"
        "/*!40101 SET NAMES utf8mb4 */;\n"
        "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;\n"
        "/*!40103 SET TIME_ZONE='+00:00' */;\n"
        "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;\n"
        "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;\n"
        "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;\n"
        "/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;\n"
    )


def _footer(completed: int) -> str:
    d = datetime.fromtimestamp(completed, tz=UTC)
    stamp = f"{d.year:04d}-{d.month:02d}-{d.day:02d} {d.hour:2d}:{d.minute:02d}:{d.second:02d}"
    return (
        "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;\n\n"
        "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;\n"
        "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;\n"
        "/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;\n"
        "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;\n"
        "/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;\n"
        "/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;\n"
        "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;\n\n"
        f"-- Dump completed on {stamp}\n"
    )
