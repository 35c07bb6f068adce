"""Full-text search over posts and private messages: an embedded tantivy index in the operation folder.

``build(op_root)`` (``rescue index DIR``; ``rescue serve`` builds it when missing) writes
``index/search/``; ``SearchIndex.search`` returns hits with their excerpt as plain-text segments
(highlighted or not), never as HTML: the templates escape every segment.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import tantivy

from rescue.errors import OperationError

INDEX_DIR = Path("index") / "search"
META = "rescue-index.json"
FORMAT = 2  # 2: "at" is a fast field (a person's latest items, newest first)
BATCH = 20_000


def index_path(op_root: Path) -> Path:
    return op_root / INDEX_DIR


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("origin", stored=True, tokenizer_name="raw")
    b.add_text_field("source_id", stored=True, tokenizer_name="raw")
    b.add_text_field("item_id", stored=True, tokenizer_name="raw")
    b.add_text_field("account_id", stored=True, tokenizer_name="raw")
    b.add_text_field("author", stored=True)
    b.add_text_field("at", stored=True, tokenizer_name="raw", fast=True)
    b.add_text_field("place", stored=True)
    b.add_text_field("subject", stored=True)
    b.add_text_field("body", stored=True)
    return b.build()


@dataclass(frozen=True)
class BuildResult:
    posts: int
    messages: int
    seconds: float
    path: Path


def build(op_root: Path, progress: Callable[[str, int, int], None] | None = None) -> BuildResult:
    """(Re)build the index from the store's posts and messages."""
    store = op_root / "store.duckdb"
    if not store.is_file():
        raise OperationError(f"{op_root}: no store.duckdb: not an operation folder")
    target = index_path(op_root)
    tmp = target.with_name(target.name + ".building")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    t0 = time.perf_counter()
    index = tantivy.Index(_schema(), path=str(tmp))
    writer = index.writer(heap_size=128_000_000, num_threads=2)
    con = duckdb.connect(str(store), read_only=True)
    counts: dict[str, int] = {}
    try:
        queries = {
            "posts": """SELECT p.source_id, p.post_id, p.account_id, coalesce(a.username, p.guest_name, ''),
                               p.posted_at, coalesce(t.title, ''), coalesce(p.subject, ''), coalesce(p.body_text, '')
                        FROM posts p LEFT JOIN accounts a USING (source_id, account_id)
                        LEFT JOIN threads t ON t.source_id = p.source_id AND t.thread_id = p.thread_id""",
            "messages": """SELECT m.source_id, m.message_id, m.sender_account_id, coalesce(a.username, ''), m.sent_at,
                                  'private message', coalesce(m.subject, ''), coalesce(m.body_text, '')
                           FROM messages m LEFT JOIN accounts a
                             ON a.source_id = m.source_id AND a.account_id = m.sender_account_id""",
        }
        for origin, sql in queries.items():
            total = int(con.execute(f"SELECT count(*) FROM {origin}").fetchone()[0])  # type: ignore[index]
            cur = con.execute(sql)
            done = 0
            while rows := cur.fetchmany(BATCH):
                for source_id, item_id, account_id, author, at, place, subject, body in rows:
                    writer.add_document(tantivy.Document(
                        origin=origin, source_id=str(source_id), item_id=str(item_id),
                        account_id=str(account_id or ""), author=str(author), at=_iso(at), place=str(place),
                        subject=str(subject), body=str(body)))
                done += len(rows)
                if progress:
                    progress(f"index {origin}", done, total)
            counts[origin] = done
        writer.commit()
        writer.wait_merging_threads()
    finally:
        con.close()
    seconds = time.perf_counter() - t0
    (tmp / META).write_text(json.dumps({"format": FORMAT, "built_at": dt.datetime.now(dt.UTC).isoformat(),
                                        "posts": counts["posts"], "messages": counts["messages"],
                                        "seconds": round(seconds, 2)}), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return BuildResult(posts=counts["posts"], messages=counts["messages"], seconds=seconds, path=target)


def _iso(v: Any) -> str:
    return "" if v is None else str(v)[:19]


def is_current(op_root: Path) -> bool:
    """The index exists and holds as many posts and messages as the store has now (after a new ingest it
    does not: rebuild)."""
    if not exists(op_root):
        return False
    meta = json.loads((index_path(op_root) / META).read_text(encoding="utf-8"))
    con = duckdb.connect(str(op_root / "store.duckdb"), read_only=True)
    try:
        counts = {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
                  for t in ("posts", "messages")}
    except duckdb.Error:
        return False
    finally:
        con.close()
    return all(int(meta.get(t, -1)) == n for t, n in counts.items())


def exists(op_root: Path) -> bool:
    meta = index_path(op_root) / META
    if not meta.is_file():
        return False
    try:
        return int(json.loads(meta.read_text(encoding="utf-8")).get("format", 0)) == FORMAT
    except (ValueError, OSError):
        return False


@dataclass(frozen=True)
class Hit:
    origin: str
    source_id: str
    item_id: str
    account_id: str
    author: str
    at: str
    place: str
    subject: str
    segments: list[tuple[str, bool]]  # excerpt: (text, highlighted)
    score: float


class SearchIndex:
    def __init__(self, op_root: Path) -> None:
        self.path = index_path(op_root)
        self.meta = json.loads((self.path / META).read_text(encoding="utf-8"))
        self.index = tantivy.Index.open(str(self.path))
        self.schema = self.index.schema

    def search(self, text: str, *, origin: str | None = None, limit: int = 50,
               offset: int = 0) -> tuple[int, list[Hit]]:
        query, _errors = self.index.parse_query_lenient(text, ["body", "subject", "author", "place"])
        if origin in ("posts", "messages"):
            query = tantivy.Query.boolean_query([
                (tantivy.Occur.Must, query),
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "origin", origin)),
            ])
        searcher = self.index.searcher()
        result = searcher.search(query, limit=max(1, min(limit, 200)), offset=max(0, offset), count=True)
        snippets = tantivy.SnippetGenerator.create(searcher, query, self.schema, "body")
        snippets.set_max_num_chars(240)
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            snip = snippets.snippet_from_doc(doc)
            segments = _segments(snip.fragment(), [(r.start, r.end) for r in snip.highlighted()])
            if not segments:
                segments = [(str(doc.get_first("body") or "")[:240], False)]
            hits.append(Hit(origin=_f(doc, "origin"), source_id=_f(doc, "source_id"), item_id=_f(doc, "item_id"),
                            account_id=_f(doc, "account_id"), author=_f(doc, "author"), at=_f(doc, "at"),
                            place=_f(doc, "place"), subject=_f(doc, "subject"), segments=segments,
                            score=float(score)))
        return int(getattr(result, "count", None) or len(hits)), hits


    def items_of(self, keys: list[tuple[str, str]], limit: int = 200) -> list[dict[str, Any]]:
        """The latest posts and messages written by these accounts, newest first (a profile's timeline): a term
        lookup in the index instead of a scan of the store's posts."""
        if not keys:
            return []
        per_account = [
            (tantivy.Occur.Should, tantivy.Query.boolean_query([
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "source_id", source_id)),
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "account_id", account_id))]))
            for source_id, account_id in keys]
        searcher = self.index.searcher()
        result = searcher.search(tantivy.Query.boolean_query(per_account), limit=limit, order_by_field="at",
                                 order=tantivy.Order.Desc)
        out = []
        for _key, address in result.hits:
            doc = searcher.doc(address)
            out.append({"origin": _f(doc, "origin"), "source_id": _f(doc, "source_id"),
                        "item_id": _f(doc, "item_id"), "at": _f(doc, "at") or None, "subject": _f(doc, "subject"),
                        "place": _f(doc, "place"), "excerpt": _f(doc, "body")[:160]})
        return out


def _f(doc: tantivy.Document, name: str) -> str:
    v = doc.get_first(name)
    return "" if v is None else str(v)


def _segments(fragment: str, ranges: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Cut a fragment at the highlighted byte ranges (UTF-8 offsets) into plain-text segments."""
    raw = fragment.encode("utf-8")
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(ranges):
        if start < pos:
            continue
        if start > pos:
            out.append((raw[pos:start].decode("utf-8", "replace"), False))
        out.append((raw[start:end].decode("utf-8", "replace"), True))
        pos = end
    if pos < len(raw):
        out.append((raw[pos:].decode("utf-8", "replace"), False))
    return out


def open_index(op_root: Path) -> SearchIndex | None:
    return SearchIndex(op_root) if exists(op_root) else None
