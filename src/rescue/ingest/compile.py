"""Compiling an adapter's table map into straight-line Python, once per source table and column list.

The adapter spec stays data (``TableMap``/``Emit``/field getters); what runs per row is one
generated function that decodes the row's text columns, checks its integer columns, calls
each field function once (a getter tagged by :mod:`rescue.adapters.fields` is applied to the
column value directly, and the same column function is computed once per row however many
emits use it) and appends the canonical rows, value by value, to the writer's column buffers
— only once every emit of the row has succeeded. Behaviour is that of the
interpreted form: field functions run in spec order, the first exception quarantines the
row and nothing of it is written.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rescue.adapters import fields
from rescue.adapters.base import MappingError, Row, TableMap
from rescue.store import schema

Decode = Callable[[Sequence[Any]], list[Any]]
Run = Callable[[list[Any], int, int], None]  # appends to the writer's column buffers


@dataclass(frozen=True)
class Compiled:
    decode: Decode  # values → list with the text columns decoded as UTF-8 (raises UnicodeDecodeError)
    run: Run  # (decoded values, offset, line) → canonical rows appended to the writer's buffers


def as_int(col: str, value: Any) -> int:
    try:
        return int(value.decode() if isinstance(value, bytes) else value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MappingError(f"column {col} is an integer column but holds {str(value)[:40]!r}") from exc


def data_columns(table: str) -> list[str]:
    """The columns of a canonical table that an emit fills (not source_id, not provenance)."""
    return [c for c in schema.column_names(table)[1:] if not c.startswith("prov_")]


class _Gen:
    """Source text and closure values of one generated function."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.env: dict[str, Any] = {}
        self._ids: dict[int, str] = {}

    def bind(self, value: Any, prefix: str = "K") -> str:
        """A closure name for ``value`` (one per distinct object)."""
        name = self._ids.get(id(value))
        if name is None:
            name = self._ids[id(value)] = f"{prefix}{len(self.env)}"
            self.env[name] = value
        return name

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def build(self, name: str, signature: str) -> Any:
        params = ", ".join(self.env)
        src = f"def _factory({params}):\n    def {name}({signature}):\n" + "\n".join(
            "    " + ln for ln in self.lines) + f"\n    return {name}\n"
        ns: dict[str, Any] = {}
        exec(compile(src, f"<rescue.ingest.compile {name}>", "exec"), ns)
        return ns["_factory"](**self.env)


def compile_decode(is_text: Sequence[bool]) -> Decode:
    g = _Gen()
    bytes_ = g.bind(bytes, "B")
    names = [f"v{i}" for i in range(len(is_text))]
    g.emit(1, f"({', '.join(names)}{',' if len(names) == 1 else ''}) = values")
    items = [f"({v}.decode() if {v}.__class__ is {bytes_} else {v})" if t else v for v, t in zip(
        names, is_text, strict=True)]
    g.emit(1, f"return [{', '.join(items)}]")
    decode: Decode = g.build("decode", "values")
    return decode


def compile_run(tmap: TableMap, source_table: str, names: Sequence[str], int_cols: Sequence[int],
                source_id: str, buffers: Callable[[str], list[list[Any]]]) -> Run:
    """The per-row function of one source table whose rows have the columns ``names``."""
    g = _Gen()
    index = {n: i for i, n in enumerate(names)}  # the last of duplicate names wins, as in a dict
    int_ = g.bind(int, "T")
    as_int_ = g.bind(as_int, "I")
    for i in int_cols:
        g.emit(1, f"x = d[{i}]")
        g.emit(1, f"if x is not None and x.__class__ is not {int_}: d[{i}] = {as_int_}({names[i]!r}, x)")
    opaque = any(e.when is not None or e.many is not None or any(
        not isinstance(s, str) and fields.inline_of(s) is None and fields.const_of(s) is None
        for s in e.fields.values()) for e in tmap.emits)
    if opaque:
        g.emit(1, f"r = {g.bind(Row, 'R')}(zip({g.bind(tuple(names), 'N')}, d))")
    text = g.bind(fields.text_value, "F")
    keys = [f"({text}(d[{index[k]}]) or '')" if k in index else "''" for k in tmap.key]
    g.emit(1, "key = " + (" + ':' + ".join(keys) if keys else "''"))
    sid, ptable = g.bind(source_id, "S"), g.bind(source_table, "P")
    tail = (ptable, "key", "off", "line")
    known: dict[tuple[int, str], str] = {}  # (function id, column) → local holding its value
    fresh = itertools.count()

    def value_of(spec: Any, depth: int) -> str:
        if isinstance(spec, str):
            spec = fields.text(spec)
        const = fields.const_of(spec)
        if const is not None:
            return g.bind(const[0])
        inline = fields.inline_of(spec)
        if inline is None:
            return f"{g.bind(spec, 'G')}(r)"
        fn, col = inline
        local = known.get((id(fn), col))
        if local is None:
            local = known[(id(fn), col)] = f"c{next(fresh)}"  # never reused: rows are written at the end
            g.emit(depth, f"{local} = {g.bind(fn, 'F')}({f'd[{index[col]}]' if col in index else 'None'})")
        return local

    commits: list[str] = []
    for n, emit in enumerate(tmap.emits):
        cols = data_columns(emit.table)
        put = [g.bind(column.append, "X") for column in buffers(emit.table)]  # schema order
        depth = 1
        saved = dict(known)
        if emit.when is not None:
            g.emit(1, f"o{n} = None")
            g.emit(1, f"if {g.bind(emit.when, 'W')}(r):")
            depth = 2
        if emit.many is not None:
            g.emit(depth, f"o{n} = []")
            g.emit(depth, f"for q in {g.bind(emit.many, 'M')}(r):")
            g.emit(depth + 1, "q = q.get")
            g.emit(depth + 1, f"o{n}.append(({', '.join(f'q({c!r})' for c in cols)},))")
            names = [f"v{i}" for i in range(len(cols))]
            commits.append(f"for ({', '.join(names)},) in o{n}:" if emit.when is None
                           else f"for ({', '.join(names)},) in (o{n} or ()):")
            commits += ["    " + ln for ln in _puts(put, [sid, *names, *tail])]
        else:
            got: dict[str, str] = {}
            for k, (col, spec) in enumerate(emit.fields.items()):  # in spec order, as interpreted
                expr = value_of(spec, depth)
                if expr.endswith("(r)"):
                    g.emit(depth, f"a{n}_{k} = {expr}")
                    expr = f"a{n}_{k}"
                got[col] = expr
            values = [sid, *(got.get(c, "None") for c in cols), *tail]
            if emit.when is None:
                commits += _puts(put, values)
            else:
                g.emit(depth, f"o{n} = True")
                commits.append(f"if o{n}:")
                commits += ["    " + ln for ln in _puts(put, values)]
        if emit.when is not None:  # values first computed under the condition are not known after it
            known.clear()
            known.update(saved)
    for line in commits:  # every field function has run without an error: write the rows
        g.emit(1, line)
    run: Run = g.build("map_" + "".join(c if c.isalnum() else "_" for c in source_table), "d, off, line")
    return run


def _puts(put: Sequence[str], values: Sequence[str]) -> list[str]:
    """Statements appending one canonical row, value by value, to its table's column buffers."""
    return [f"{p}({v})" for p, v in zip(put, values, strict=True)]
