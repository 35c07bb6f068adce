"""What every forum writer shares: the world, one of its forums, the truth, and the dump being written.

A writer renders one forum of a world (:class:`rescue.synth.accounts.ForumAccounts`) as the database
of one forum software. The world decides who posts what, when and from where; a writer only decides
the tables, columns and storage conventions of its software, and tells the truth where each planted
selector landed (table, row, column as named in its dump).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Protocol

import numpy as np

from rescue.synth.accounts import DELETED, SEPARATE, ForumAccounts
from rescue.synth.common import MAIN_FORUM, base36_id, derive
from rescue.synth.compose import Composer
from rescue.synth.forums import layout
from rescue.synth.mysqldump import DumpWriter, Table, Value, schema_ddl
from rescue.synth.truth import Truth
from rescue.synth.world import Progress, World
from rescue.synth.writers.posts import SliceResult


class Dump(Protocol):
    def finish(self, completed: int) -> dict[str, int]: ...


class ForumWriter:
    """One forum of a world written as ``<out_dir>/<software>.sql``; :meth:`write` returns rows per table."""

    software: ClassVar[str] = ""
    version: ClassVar[str] = ""
    suffix: ClassVar[str] = ".sql"
    main_prefix: ClassVar[str] = ""  # table prefix of the seized forum (the other forum uses its spec's)
    prefixed: ClassVar[bool] = True  # False: a software without table prefixes (a database of its own)

    def __init__(self, world: World, acc: ForumAccounts, out_dir: Path, truth: Truth, *, files: bool,
                 progress: Progress | None, workers: int = 1) -> None:
        self.world, self.acc, self.truth, self.progress = world, acc, truth, progress
        self.pop, self.net, self.spec = world.pop, world.net, acc.spec
        self.prefix = "" if not self.prefixed else (
            self.main_prefix if acc.spec.key == MAIN_FORUM.key else acc.spec.prefix)
        self.out_dir = out_dir
        self.path = out_dir / f"{self.software}{self.suffix}"
        self.files_dir = out_dir / "files" if files else None
        self.forums = layout(acc.spec.key)
        self.composer = Composer(world.seed, world.pools, world.pop, acc)
        self.has_sig = np.zeros(acc.n, dtype=np.bool_)
        self.separate = (acc.flags & SEPARATE) > 0
        self.workers = workers
        self.uid_base = derive(world.seed, "uid", acc.spec.key)
        self._tmp = tempfile.TemporaryDirectory(prefix=".synth-", dir=out_dir)  # table spools
        self.tmpdir = Path(self._tmp.name)
        self.dump: Dump

    def tick(self, stage: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(f"{self.spec.key}: {stage}", done, total)

    def uid(self, kind: int, n: int) -> str:
        return base36_id(self.uid_base + kind, n)

    def ip(self, a: int, t: int, u: float) -> str:
        """The address account ``a`` used at ``t`` (``u`` uniform in [0, 1)); the truth notes it."""
        vpn = 0.7 if self.acc.flags[a] & SEPARATE else 0.0
        ip = self.net.ip_at(int(self.acc.person[a]), t, u, vpn)
        self.truth.seen_ip(self.acc, a, ip)
        return ip

    def shown(self, a: int) -> tuple[int, str]:
        """(user id, name) a post of account ``a`` shows: a deleted member's posts keep the name with id 0."""
        return (0 if self.acc.flags[a] & DELETED else int(self.acc.user_id[a])), self.acc.username[a]

    def save_file(self, relative: str, data: bytes) -> None:
        """An attachment file under ``files/`` (worlds small enough to have them)."""
        if self.files_dir is not None:
            path = self.files_dir / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def write(self) -> dict[str, int]:
        """Fill the tables, then assemble the dump; rows per table."""
        try:
            self.fill()
            self.tick("assemble", 0, 1)
            counts = self.dump.finish(self.spec.end)
            self.tick("assemble", 1, 1)
            return counts
        finally:
            self._tmp.cleanup()

    def fill(self) -> None:
        raise NotImplementedError


class MysqlForumWriter(ForumWriter):
    """A writer of a MySQL forum: the tables of a shipped install schema, spooled into a mariadb-dump."""

    schema: ClassVar[str] = ""  # rescue/data/schemas/<schema>.sql
    schema_prefix: ClassVar[str] = ""  # the prefix the shipped schema uses

    def __init__(self, world: World, acc: ForumAccounts, out_dir: Path, truth: Truth, *, files: bool,
                 progress: Progress | None, workers: int = 1) -> None:
        super().__init__(world, acc, out_dir, truth, files=files, progress=progress, workers=workers)
        self.tables = {t.name: t for t in (Table(self.adjust_ddl(d)) for d in self.ddl())}
        self.dump: DumpWriter = DumpWriter(self.path, acc.spec.database, list(self.tables.values()), self.tmpdir)

    def ddl(self) -> list[str]:
        """The CREATE TABLE statements of the dump (by default the shipped install schema's)."""
        return schema_ddl(self.schema, self.prefix, self.schema_prefix)

    def adjust_ddl(self, ddl: str) -> str:
        """The DDL as this forum's install created it (e.g. the table charset chosen at install)."""
        return ddl

    def name(self, short: str) -> str:
        return self.prefix + short

    def spool_rows(self, short: str, side: str = "") -> Callable[[SliceResult], None]:
        """A sink for rendered post slices: their rows into table ``short`` (and their side rows into ``side``)."""
        spool = self.dump.spool(self.prefix + short)
        other = self.dump.spool(self.prefix + side) if side else None

        def sink(res: SliceResult) -> None:
            for row in res.rows:
                spool.add_encoded(row)
            spool.auto_max = res.last_id
            if other is not None:
                for row in res.side:
                    other.add_encoded(row)
                other.auto_max += len(res.side)

        return sink

    def add(self, short: str, **values: Value) -> None:
        self.dump.add(self.prefix + short, self.tables[self.prefix + short].row(**values))

