"""Write a database as ``pg_dump`` 15 writes it in plain format, streaming each table through a spool file.

Layout of a real plain dump: header and ``SET`` lines (with the ``\\restrict`` line of current minor
releases), per table (alphabetical) its ``CREATE TABLE`` and, for an ``id`` column, its sequence;
the column defaults; the data as ``COPY public.t (cols) FROM stdin;`` blocks (tab-separated, ``\\N``
for NULL, backslash escapes, ``\\.`` terminator); ``setval`` of each sequence; primary keys; footer.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from rescue.errors import SynthError

PgValue = int | str | bool | None


def copy_text(s: str) -> str:
    """COPY text format escaping: backslash, tab, newline and carriage return."""
    if "\\" in s:
        s = s.replace("\\", "\\\\")
    if "\t" in s:
        s = s.replace("\t", "\\t")
    if "\n" in s:
        s = s.replace("\n", "\\n")
    if "\r" in s:
        s = s.replace("\r", "\\r")
    return s


def copy_line(values: Sequence[PgValue]) -> bytes:
    parts: list[str] = []
    for v in values:
        if v is None:
            parts.append("\\N")
        elif v is True:
            parts.append("t")
        elif v is False:
            parts.append("f")
        elif isinstance(v, int):
            parts.append(str(v))
        elif isinstance(v, str):
            parts.append(copy_text(v))
        else:
            raise SynthError(f"cannot write {v!r} in a COPY block")
    return ("\t".join(parts) + "\n").encode()


def timestamp(t: int) -> str:
    """A unix time as ``timestamp without time zone`` text (UTC)."""
    d = datetime.fromtimestamp(t, tz=UTC)
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d} {d.hour:02d}:{d.minute:02d}:{d.second:02d}"


class PgTable:
    """A table: ``columns`` as (name, SQL type with constraints); ``serial``: ``id`` is fed by a sequence."""

    def __init__(self, name: str, columns: Sequence[tuple[str, str]], *, serial: bool = True,
                 key: tuple[str, ...] = ("id",)) -> None:
        self.name = name
        self.columns = [c for c, _ in columns]
        self.types = dict(columns)
        self.serial = serial and "id" in self.types
        self.key = key
        self._index = {c: i for i, c in enumerate(self.columns)}
        self.id_pos = self._index["id"] if self.serial else -1

    def filler(self, *names: str) -> Callable[..., list[PgValue]]:
        """``fill(v1, v2, …)`` sets ``names`` in order; other columns are NULL (or their default)."""
        idx = [self._index[n] for n in names]
        template: list[PgValue] = [self._default(c) for c in self.columns]

        def fill(*values: PgValue) -> list[PgValue]:
            out = list(template)
            for i, v in zip(idx, values, strict=True):
                out[i] = v
            return out

        return fill

    def _default(self, col: str) -> PgValue:
        t = self.types[col]
        if "DEFAULT false" in t:
            return False
        if "DEFAULT true" in t:
            return True
        if "DEFAULT " in t:
            lit = t.split("DEFAULT ", 1)[1].split()[0]
            if lit.lstrip("-").isdigit():
                return int(lit)
            if lit.startswith("'"):
                return lit.split("'")[1]
        return None

    def ddl(self) -> str:
        cols = ",\n".join(f"    {_ident(c)} {t}" for c, t in zip(self.columns, self.types.values(), strict=True))
        return f"CREATE TABLE public.{self.name} (\n{cols}\n);"


def _ident(name: str) -> str:
    return f'"{name}"' if name in ("primary", "user", "order") else name


class _Spool:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh: BinaryIO = path.open("wb")
        self.rows = 0
        self.max_id = 0
        self.buf: list[bytes] = []

    def add_line(self, line: bytes, row_id: int = 0) -> None:
        self.buf.append(line)
        self.rows += 1
        if row_id > self.max_id:
            self.max_id = row_id
        if len(self.buf) >= 4096:
            self.flush()

    def flush(self) -> None:
        self.fh.write(b"".join(self.buf))
        self.buf.clear()


class PgDumpWriter:
    def __init__(self, path: Path, database: str, tables: list[PgTable], tmpdir: Path, owner: str) -> None:
        self.path, self.database, self.owner = path, database, owner
        self.tables = {t.name: t for t in tables}
        self._spools = {t.name: _Spool(tmpdir / f"{t.name}.copy") for t in tables}

    def add(self, table: str, values: Sequence[PgValue]) -> None:
        t = self.tables[table]
        row_id = values[t.id_pos] if t.id_pos >= 0 else 0
        self._spools[table].add_line(copy_line(values), row_id if isinstance(row_id, int) else 0)

    def add_line(self, table: str, line: bytes, row_id: int = 0) -> None:
        """A row already formatted by :func:`copy_line` (``row_id``: its ``id``, for the sequence)."""
        self._spools[table].add_line(line, row_id)

    def row_counts(self) -> dict[str, int]:
        return {name: s.rows for name, s in sorted(self._spools.items())}

    def finish(self, completed: int) -> dict[str, int]:
        for s in self._spools.values():
            s.flush()
            s.fh.close()
        key = hashlib.sha256(f"{self.database}:{completed}".encode()).hexdigest()[:40]
        names = sorted(self.tables)
        o = self.owner
        with self.path.open("wb") as out:
            out.write(_header(key).encode())
            for n in names:
                t = self.tables[n]
                out.write(f"--\n-- Name: {n}; Type: TABLE; Schema: public; Owner: {o}\n--\n\n{t.ddl()}\n\n\n"
                          f"ALTER TABLE public.{n} OWNER TO {o};\n\n".encode())
                if t.serial:
                    seq = f"{n}_id_seq"
                    out.write((f"--\n-- Name: {seq}; Type: SEQUENCE; Schema: public; Owner: {o}\n--\n\n"
                               f"CREATE SEQUENCE public.{seq}\n    AS integer\n    START WITH 1\n    INCREMENT BY 1\n"
                               "    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1;\n\n\n"
                               f"ALTER TABLE public.{seq} OWNER TO {o};\n\n"
                               f"--\n-- Name: {seq}; Type: SEQUENCE OWNED BY; Schema: public; Owner: {o}\n--\n\n"
                               f"ALTER SEQUENCE public.{seq} OWNED BY public.{n}.id;\n\n\n").encode())
            for n in names:
                if self.tables[n].serial:
                    out.write((f"--\n-- Name: {n} id; Type: DEFAULT; Schema: public; Owner: {o}\n--\n\n"
                               f"ALTER TABLE ONLY public.{n} ALTER COLUMN id SET DEFAULT "
                               f"nextval('public.{n}_id_seq'::regclass);\n\n\n").encode())
            for n in names:
                t = self.tables[n]
                cols = ", ".join(_ident(c) for c in t.columns)
                out.write((f"--\n-- Data for Name: {n}; Type: TABLE DATA; Schema: public; Owner: {o}\n--\n\n"
                           f"COPY public.{n} ({cols}) FROM stdin;\n").encode())
                with self._spools[n].path.open("rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 22)
                self._spools[n].path.unlink()
                out.write(b"\\.\n\n\n")
            for n in names:
                s = self._spools[n]
                if self.tables[n].serial:
                    called = "true" if s.max_id else "false"
                    out.write((f"--\n-- Name: {n}_id_seq; Type: SEQUENCE SET; Schema: public; Owner: {o}\n--\n\n"
                               f"SELECT pg_catalog.setval('public.{n}_id_seq', {max(1, s.max_id)}, {called});\n\n\n")
                              .encode())
            for n in names:
                t = self.tables[n]
                if t.key:
                    out.write((f"--\n-- Name: {n} {n}_pkey; Type: CONSTRAINT; Schema: public; Owner: {o}\n--\n\n"
                               f"ALTER TABLE ONLY public.{n}\n    ADD CONSTRAINT {n}_pkey PRIMARY KEY "
                               f"({', '.join(t.key)});\n\n\n").encode())
            out.write(f"--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict {key}\n\n".encode())
        return self.row_counts()


def _header(key: str) -> str:
    return (
        "--\n-- PostgreSQL database dump\n--\n\n"
        f"\\restrict {key}\n\n"
        "-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)\n"
        "-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)\n\n"
        "SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET idle_in_transaction_session_timeout = 0;\n"
        "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n"
        "SELECT pg_catalog.set_config('search_path', '', false);\nSET check_function_bodies = false;\n"
        "SET xmloption = content;\nSET client_min_messages = warning;\nSET row_security = off;\n\n"
        "SET default_tablespace = '';\n\nSET default_table_access_method = heap;\n\n"
    )
