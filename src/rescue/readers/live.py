"""A live MySQL/MariaDB or PostgreSQL database as a ``SourceReader``, strictly read-only.

The URL is a SQLAlchemy URL (``mysql+pymysql://``, ``mariadb+pymysql://``,
``postgresql+psycopg://``, ``postgresql+psycopg2://``; a bare ``mysql://``/``postgresql://``
gets pymysql/psycopg). Every session is made read-only before use (MySQL: ``SET SESSION
TRANSACTION READ ONLY``; PostgreSQL: ``SET SESSION CHARACTERISTICS AS TRANSACTION READ
ONLY`` and ``default_transaction_read_only``) and all rows are read inside one read-only
snapshot transaction (``START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY`` /
``REPEATABLE READ, READ ONLY``), table by table in primary-key order, through server-side
cursors. The password never appears in ``display_name`` or in an error message.

Values match what the dump readers make of a dump of the same database: integers → int,
decimal/float → their text (str), booleans → 1/0, binary (MySQL binary/varbinary/blob,
PostgreSQL bytea, MySQL BIT) → bytes, anything else → the server's text form as UTF-8 bytes
(the output function's text, as pg_dump/mysqldump write it: inet without ``/32``, dates in
ISO style, MySQL TIMESTAMP in UTC as mysqldump's default ``--tz-utc`` writes it; PostgreSQL
timestamptz in UTC). A row's ``offset`` is its 1-based ordinal in its table, ``line`` 0.
Tables without a primary key are ordered by all their columns (MySQL) or by their row's text
(PostgreSQL), so that the same content always streams in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from rescue.errors import SourceError
from rescue.readers.base import Column, ConnectionCharset, DumpStructure, Event, RawRow, TableDef, Value
from rescue.readers.pgtext import type_kind

YIELD_PER = 2000
_DRIVERS = {"mysql": "mysql+pymysql", "mariadb": "mariadb+pymysql", "postgresql": "postgresql+psycopg",
            "postgres": "postgresql+psycopg"}
_MY_INT = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year"}
_MY_NUM = {"decimal", "numeric", "float", "double", "real", "dec", "fixed"}
_MY_BIN = {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry", "point", "linestring",
           "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection"}
_MY_STR = {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json"}
# belt and braces: besides the server's read-only mode, only reading statements are sent at all
_READ = re.compile(r"\s*(?:/\*.*?\*/\s*)*(?:SELECT|SHOW|WITH|DESCRIBE|DESC|EXPLAIN|SET|START\s+TRANSACTION|BEGIN"
                   r"|ROLLBACK)\b", re.I | re.S)
_READ_WRITE = re.compile(r"READ\s+WRITE|read_only\s*(?:=|TO)\s*'?(?:off|false|0)\b", re.I)
_MY_SESSION = ("SET SESSION TRANSACTION READ ONLY", "SET SESSION time_zone = '+00:00'")
_PG_SESSION = ("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "SET default_transaction_read_only = on",
               "SET client_encoding = 'UTF8'", "SET DateStyle = ISO", "SET IntervalStyle = postgres",
               "SET extra_float_digits = 3", "SET TimeZone = 'UTC'")
_MY_COLUMNS = """SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, t.TABLE_COLLATION
FROM information_schema.COLUMNS c JOIN information_schema.TABLES t
  ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION"""
_PG_COLUMNS = """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NULL
FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum"""
_MY_ROWS = "SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
_PG_ROWS = ("SELECT c.relname, c.reltuples::bigint FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'")


def _normalise(url: str) -> sa.URL:
    u = sa.make_url(url)
    if "+" not in u.drivername and u.drivername in _DRIVERS:
        u = u.set(drivername=_DRIVERS[u.drivername])
    if u.get_backend_name() in ("mysql", "mariadb") and "charset" not in u.query:
        u = u.update_query_dict({"charset": "utf8mb4"})
    return u


def mysql_kind(column_type: str) -> str:
    base = column_type.split("(")[0].split()[0] if column_type else ""
    if base in _MY_INT:
        return "int"
    if base in _MY_NUM:
        return "num"
    if base in _MY_BIN or base == "bit":
        return "bytea"
    return "text" if base in _MY_STR else "cast"


def pg_kind(sql_type: str) -> str:
    kind = type_kind(sql_type)
    return "cast" if kind == "text" else kind


def _value(kind: str, v: Any) -> Value:
    if v is None:
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, bytes | bytearray | memoryview):
        return bytes(v)
    if kind == "num":
        return str(v)
    return str(v).encode("utf-8", "surrogateescape")


class LiveReader:
    """A live database server. ``total`` is the servers' row estimate (after ``structure()``)."""

    def __init__(self, url: str) -> None:
        try:
            self.url = _normalise(url)
        except (sa.exc.ArgumentError, ValueError) as exc:
            raise SourceError("<database url>", "not a database URL (expected e.g. "
                              "mysql+pymysql://user:password@host/db)") from exc
        self.display_name = sa.make_url(url).render_as_string(hide_password=True)
        self.backend = "mysql" if self.url.get_backend_name() in ("mysql", "mariadb") else "postgresql"
        if self.url.get_backend_name() not in ("mysql", "mariadb", "postgresql"):
            raise SourceError(self.display_name, "live reading supports MySQL/MariaDB and PostgreSQL only")
        self.format = f"{self.backend}-live"
        self.total: int | None = None

    def _error(self, exc: BaseException) -> SourceError:
        orig = getattr(exc, "orig", None) or exc
        msg = " ".join(str(orig).split()) or type(orig).__name__
        if self.url.password:
            msg = msg.replace(str(self.url.password), "***")
        return SourceError(self.display_name, f"database error: {msg[:500]}")

    def _engine(self) -> sa.Engine:
        try:
            engine = sa.create_engine(self.url, poolclass=NullPool)
        except ImportError as exc:
            raise SourceError(self.display_name, f"the database driver is not installed: {exc}") from exc
        session = _MY_SESSION if self.backend == "mysql" else _PG_SESSION

        @sa.event.listens_for(engine, "connect")
        def read_only(dbapi_con: Any, _record: Any) -> None:
            cur = dbapi_con.cursor()
            for sql in session:
                cur.execute(sql)
            cur.close()
            dbapi_con.commit()

        @sa.event.listens_for(engine, "before_cursor_execute")
        def reads_only(_c: Any, _cur: Any, statement: str, _p: Any, _ctx: Any, _many: bool) -> None:
            if not _READ.match(statement) or _READ_WRITE.search(statement):
                raise SourceError(self.display_name, f"refused a statement that is not read-only: {statement[:80]!r}")

        return engine

    @contextmanager
    def connection(self) -> Iterator[sa.Connection]:
        """A read-only connection inside one read-only snapshot transaction (rolled back at the end)."""
        engine = self._engine()
        try:
            with engine.connect() as con:
                if self.backend == "mysql":
                    con.exec_driver_sql("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
                else:
                    con.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    con.exec_driver_sql("SELECT 1")  # takes the snapshot: from now on READ WRITE is refused
                try:
                    yield con
                finally:
                    con.rollback()
        except sa.exc.SQLAlchemyError as exc:
            raise self._error(exc) from None
        finally:
            engine.dispose()

    def _tables(self, con: sa.Connection) -> list[TableDef]:
        cols: dict[str, list[Column]] = {}
        charsets: dict[str, str | None] = {}
        for table, name, sql_type, collation in con.exec_driver_sql(
                _MY_COLUMNS if self.backend == "mysql" else _PG_COLUMNS):
            cols.setdefault(str(table), []).append(Column(str(name), str(sql_type).lower()))
            charsets[str(table)] = str(collation).split("_")[0] if collation else None
        return [TableDef(t, tuple(c), charsets[t]) for t, c in sorted(cols.items())]

    def _kind(self, column: Column) -> str:
        return mysql_kind(column.sql_type) if self.backend == "mysql" else pg_kind(column.sql_type)

    def _as_text(self, col: sa.ColumnClause[Any]) -> sa.ColumnElement[Any]:
        """The value's text as the server's output function writes it (what a dump holds).

        PostgreSQL: ``concat(x)`` uses the output function, where ``x::text`` would not for inet
        (adds ``/32``), boolean or char(n) (drops the padding)."""
        if self.backend == "mysql":
            return sa.cast(col, sa.Text)
        return sa.case((col.is_(None), sa.null()), else_=sa.func.concat(col))

    def _select(self, con: sa.Connection, tdef: TableDef) -> sa.Select[Any]:
        t = sa.table(tdef.name, *(sa.column(c) for c in tdef.column_names))
        exprs = [self._as_text(t.c[c.name]) if self._kind(c) in ("cast", "num") else t.c[c.name]
                 for c in tdef.columns]
        pk = sa.inspect(con).get_pk_constraint(tdef.name).get("constrained_columns") or []
        if pk:
            order: list[Any] = [t.c[c] for c in pk]
        elif self.backend == "mysql":
            order = list(t.c)
        else:  # no key: the row's text form orders every PostgreSQL type
            order = [sa.literal_column(con.dialect.identifier_preparer.quote(tdef.name) + "::text")]
        return sa.select(*exprs).select_from(t).order_by(*order)

    def structure(self) -> DumpStructure:
        out = DumpStructure(charset="utf8mb4")
        with self.connection() as con:
            for tdef in self._tables(con):
                out.defs[tdef.name] = tdef
                t = sa.table(tdef.name)
                if con.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is not None:
                    out.insert_tables.add(tdef.name)
            estimates = con.exec_driver_sql(_MY_ROWS if self.backend == "mysql" else _PG_ROWS).all()
            estimate = sum(max(int(n or 0), 0) for name, n in estimates if name in out.defs)
            self.total = estimate or None  # never analysed: no estimate
        return out

    def events(self, progress: Callable[[int], None] | None = None) -> Iterator[Event]:
        with self.connection() as con:
            yield ConnectionCharset("utf8mb4")  # text values are handed out UTF-8 encoded
            done = 0
            for tdef in self._tables(con):
                yield tdef
                kinds = [self._kind(c) for c in tdef.columns]
                stmt = self._select(con, tdef).execution_options(stream_results=True, yield_per=YIELD_PER)
                result = con.execute(stmt)
                try:
                    ordinal = 0
                    for part in result.partitions():
                        for row in part:
                            ordinal += 1
                            values = tuple(_value(k, v) for k, v in zip(kinds, row, strict=True))
                            yield RawRow(tdef.name, values, ordinal, 0, tdef.column_names)
                        done += len(part)
                        if progress is not None:
                            progress(done)
                finally:
                    result.close()
