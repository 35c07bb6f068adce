"""PHP ``serialize()`` data (phpBB ``log_data``, MyBB ``recipients``, vB ``touserarray``) → Python.

A parser, never an evaluator: objects become dicts, nothing is instantiated or called.
Bounded: nesting depth, input size and declared element counts are checked before use.
String lengths count bytes, as PHP does (``s:5:"café";`` is 5 UTF-8 bytes).

Types: ``N;`` → None, ``b:`` → bool, ``i:`` → int, ``d:`` → float, ``s:``/``S:`` → str,
``a:`` → dict (keys int or str, in order — PHP arrays are ordered maps, lists included),
``O:`` → dict with ``"__class__"`` and the properties (private/protected name prefixes
removed), ``C:`` → dict with ``"__class__"`` and ``"__data__"``, ``E:`` (enum) → ``"Class:Case"``,
``r:``/``R:`` → the referenced value (None for a reference to an enclosing container).
"""

from __future__ import annotations

import re

__all__ = ["php_unserialize"]

_INT = re.compile(rb"[+-]?\d{1,40}")
_FLOAT = re.compile(rb"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NAN")
_NEXT_TOKEN = re.compile(rb"[NbidsSaOCrRE][:;]|}")
_MAX_SIZE = 64 * 1024 * 1024


class _Parser:
    def __init__(self, data: bytes, encoding: str, max_depth: int, lenient: bool) -> None:
        self.d = data
        self.i = 0
        self.encoding = encoding
        self.max_depth = max_depth
        self.lenient = lenient
        self.slots: list[object] = []
        self.building: set[int] = set()

    def fail(self, what: str) -> ValueError:
        return ValueError(f"php_unserialize: {what} at byte {self.i}")

    def expect(self, token: bytes) -> None:
        if self.d[self.i:self.i + len(token)] != token:
            raise self.fail(f"expected {token.decode()!r}")
        self.i += len(token)

    def until(self, stop: bytes, pattern: re.Pattern[bytes]) -> bytes:
        end = self.d.find(stop, self.i, self.i + 64)
        if end < 0 or not pattern.fullmatch(self.d, self.i, end):
            raise self.fail("malformed number")
        out = self.d[self.i:end]
        self.i = end + 1
        return out

    def count(self, per_item: int) -> int:
        n = int(self.until(b":", _INT))
        if n < 0 or n * per_item > len(self.d) - self.i:
            raise self.fail("impossible element count")
        return n

    def string_bytes(self) -> bytes:
        n = self.count(1)
        self.expect(b'"')
        start, end = self.i, self.i + n
        if self.d[end:end + 1] == b'"':
            self.i = end + 1
            return self.d[start:end]
        if self.lenient:  # byte length wrong after a charset conversion: find the real end
            j = start
            while (j := self.d.find(b'"', j)) >= 0:
                if self.d[j + 1:j + 2] in (b";", b":") and (
                        j + 2 >= len(self.d) or _NEXT_TOKEN.match(self.d, j + 2)):
                    self.i = j + 1
                    return self.d[start:j]
                j += 1
        raise self.fail("string length does not match")

    def escaped_string(self) -> bytes:
        """``S:3:"\\61bc";``: the length counts bytes after ``\\xx`` hex escapes are undone."""
        n = self.count(1)
        self.expect(b'"')
        out = bytearray()
        while len(out) < n:
            if self.d[self.i] == 0x5C:
                out.append(int(self.d[self.i + 1:self.i + 3], 16))
                self.i += 3
            else:
                out.append(self.d[self.i])
                self.i += 1
        self.expect(b'"')
        return bytes(out)

    def text(self, raw: bytes) -> str:
        return raw.decode(self.encoding, "replace")

    def value(self, depth: int) -> object:
        if depth > self.max_depth:
            raise self.fail("nesting too deep")
        t = self.d[self.i:self.i + 2]
        if t == b"N;":
            self.i += 2
            self.slots.append(None)
            return None
        if t not in (b"b:", b"i:", b"d:", b"s:", b"S:", b"a:", b"O:", b"C:", b"r:", b"R:", b"E:"):
            raise self.fail("unknown type")
        self.i += 2
        kind = t[:1]
        if kind in b"rR":
            n = int(self.until(b";", _INT))
            target = self.slots[n - 1] if 0 < n <= len(self.slots) else None
            target = None if id(target) in self.building else target
            if kind == b"r":
                self.slots.append(target)
            return target
        if kind in b"aOC":
            return self.container(kind, depth)
        out: object
        if kind == b"b":
            flag = self.until(b";", _INT)
            if flag not in (b"0", b"1"):
                raise self.fail("bad boolean")
            out = flag == b"1"
        elif kind == b"i":
            out = int(self.until(b";", _INT))
        elif kind == b"d":
            out = float(self.until(b";", _FLOAT))
        elif kind == b"S":
            out = self.text(self.escaped_string())
            self.expect(b";")
        else:
            out = self.text(self.string_bytes())
            self.expect(b";")
        self.slots.append(out)
        return out

    def key(self) -> int | str:
        t = self.d[self.i:self.i + 2]
        self.i += 2
        if t == b"i:":
            return int(self.until(b";", _INT))
        if t == b"s:":
            k = self.text(self.string_bytes())
            self.expect(b";")
            return k
        self.i -= 2
        raise self.fail("bad array key")

    def container(self, kind: bytes, depth: int) -> dict[object, object]:
        out: dict[object, object] = {}
        if kind in b"OC":
            out["__class__"] = self.text(self.string_bytes())
            self.expect(b":")
        self.slots.append(out)
        if kind == b"C":
            n = self.count(1)
            self.expect(b"{")
            out["__data__"] = self.text(self.d[self.i:self.i + n])
            self.i += n
            self.expect(b"}")
            return out
        n = self.count(4)
        self.expect(b"{")
        self.building.add(id(out))
        for _ in range(n):
            k = self.key()
            if kind == b"O" and isinstance(k, str) and k.startswith("\0"):
                k = k.rpartition("\0")[2]  # "\0*\0name" (protected), "\0Class\0name" (private)
            out[k] = self.value(depth + 1)
        self.building.discard(id(out))
        self.expect(b"}")
        return out


def php_unserialize(data: bytes | str, *, encoding: str = "utf-8", max_depth: int = 64,
                    max_size: int = _MAX_SIZE, lenient: bool = False) -> object:
    """Parse PHP ``serialize()`` output; ``ValueError`` when it is malformed or over the bounds.

    ``encoding`` decodes PHP strings (invalid bytes → U+FFFD). A ``str`` is encoded as UTF-8
    first (and, failing that, as latin-1 when it fits, for text read from a latin1 column).
    ``lenient`` tolerates string lengths broken by a charset conversion.
    """
    if isinstance(data, str):
        try:
            return php_unserialize(data.encode("utf-8"), encoding=encoding, max_depth=max_depth,
                                   max_size=max_size, lenient=lenient)
        except ValueError:
            if data.isascii() or any(ord(c) > 255 for c in data):
                raise
            return php_unserialize(data.encode("latin-1"), encoding="latin-1", max_depth=max_depth,
                                   max_size=max_size, lenient=lenient)
    data = bytes(data)
    if len(data) > max_size:
        raise ValueError(f"php_unserialize: {len(data)} bytes is over the {max_size}-byte limit")
    p = _Parser(data, encoding, max_depth, lenient)
    try:
        out = p.value(0)
    except (IndexError, OverflowError, RecursionError) as exc:
        raise p.fail(type(exc).__name__) from None
    except ValueError as exc:
        if str(exc).startswith("php_unserialize"):
            raise
        raise p.fail(str(exc)) from None
    if data[p.i:].strip(b" \t\r\n\0"):
        raise p.fail("trailing data")
    return out
