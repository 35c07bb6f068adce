"""Privacy-preserving matching with another agency (hit/no-hit, like FIU.net's ma³tch).

The owner exports a **filter**: for each strong selector kind, the keyed hashes (HMAC-SHA256 with a key
agreed out of band) of its persons' selector values, each with an opaque reference. No raw value, no
person id, no case name is in the file. The other agency checks the filter **on its own data, locally**:
it hashes its own selectors with the same key and learns only which of its own values hit, each with the
owner's reference — which it quotes when it asks the owner for the information behind the hit. The owner
keeps the reference register (``<op>/xref/filters/<filter_id>.json``) and a line per export in
``<op>/xref/exports.jsonl``; checks are logged in the checker's ``<op>/xref/checks.jsonl``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rescue import operation
from rescue.errors import UsageError
from rescue.identity.config import load as load_config
from rescue.identity.xref import person_selectors_sql
from rescue.store import duck

FORMAT = "rescue-selector-filter"
VERSION = 1
_KEY_CHECK = b"rescue-selector-filter key check\x1f"


@dataclass(frozen=True)
class FilterExport:
    filter_id: str
    path: Path
    entries: dict[str, int]   # per kind
    sha256: str


@dataclass(frozen=True)
class FilterHit:
    reference: str   # the owner's reference (quote it when asking the owner)
    kind: str
    person_id: str   # the checker's own person
    accounts: str    # the checker's own accounts of that person


@dataclass
class FilterCheck:
    filter_id: str
    issuer: str
    checked: int = 0                              # own values hashed and looked up
    hits: list[FilterHit] = field(default_factory=list)

    @property
    def hit(self) -> bool:
        return bool(self.hits)


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) < 16:
        raise UsageError("the filter key must be at least 16 random bytes (agree it out of band)")


def keyed_hash(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()


def _own_values(op_dir: Path) -> tuple[operation.Operation, list[tuple[str, str, str, str]]]:
    """(person_id, kind, value, accounts) of the operation's persons (strong kinds, values of few persons)."""
    op = operation.load(Path(op_dir))
    cfg = load_config(op.root)
    con = duck.connect(op.store_path, read_only=True)
    try:
        tables = {str(r[0]) for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if not {"selectors", "person_accounts"} <= tables:
            raise UsageError(f"{op.store_path}: no persons or selectors (run `rescue analyse` first)")
        catalog = str(con.execute("SELECT current_database()").fetchall()[0][0])
        rows = con.execute(f"""
            SELECT v.person_id, v.kind, v.value, string_agg(pa.source_id || ':' || pa.account_id, ' '
                   ORDER BY pa.source_id, pa.account_id)
            FROM ({person_selectors_sql(catalog, cfg, 'email_enrichment' in tables)}) v
            JOIN person_accounts pa USING (person_id) GROUP BY ALL ORDER BY 2, 3, 1""").fetchall()
    finally:
        con.close()
    return op, [(str(p), str(k), str(v), str(a)) for p, k, v, a in rows]


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def export_filter(op_dir: Path, out_path: Path, key: bytes) -> FilterExport:
    """Write the operation's selector filter to ``out_path`` (JSON); keep the reference register locally."""
    _check_key(key)
    op, rows = _own_values(op_dir)
    filter_id = "F" + secrets.token_hex(8)
    entries: dict[str, dict[str, str]] = defaultdict(dict)   # kind -> keyed hash -> reference
    register: dict[str, dict[str, list[str]]] = {}
    for person_id, kind, value, accounts in rows:
        h = keyed_hash(key, kind, value)
        ref = entries[kind].setdefault(h, "R" + secrets.token_hex(8))
        reg = register.setdefault(ref, {"kind": [kind], "value": [value], "persons": [], "accounts": []})
        reg["persons"].append(person_id)
        reg["accounts"].append(accounts)
    doc = {"format": FORMAT, "version": VERSION, "filter_id": filter_id, "issuer": op.agency, "created_at": _now(),
           "hash": "HMAC-SHA256 of kind U+001F value (values normalised as in Rescue's selectors table)",
           "key_check": hmac.new(key, _KEY_CHECK + filter_id.encode(), hashlib.sha256).hexdigest(),
           "filters": {kind: [{"h": h, "ref": ref} for h, ref in sorted(hs.items())]
                       for kind, hs in sorted(entries.items())}}
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(doc, indent=1, sort_keys=True).encode()
    out_path.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    local = op.root / "xref" / "filters"
    local.mkdir(parents=True, exist_ok=True)
    (local / f"{filter_id}.json").write_text(json.dumps(register, indent=1, sort_keys=True), encoding="utf-8")
    counts = {kind: len(hs) for kind, hs in sorted(entries.items())}
    with (op.root / "xref" / "exports.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({"filter_id": filter_id, "created_at": doc["created_at"], "path": str(out_path),
                            "sha256": digest, "entries": counts}, sort_keys=True) + "\n")
    return FilterExport(filter_id, out_path, counts, digest)


def check_filter(op_dir: Path, filter_path: Path, key: bytes) -> FilterCheck:
    """Check another agency's filter against this operation's own selectors; only hits come back."""
    _check_key(key)
    try:
        doc = json.loads(Path(filter_path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"{filter_path}: not a readable filter ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise UsageError(f"{filter_path}: not a {FORMAT} version {VERSION} file")
    filter_id = str(doc.get("filter_id", ""))
    expected = hmac.new(key, _KEY_CHECK + filter_id.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, str(doc.get("key_check", ""))):
        raise UsageError(f"{filter_path}: the key is not the one the filter was made with")
    lookup: dict[str, dict[str, str]] = {
        str(kind): {str(e["h"]): str(e["ref"]) for e in items} for kind, items in doc.get("filters", {}).items()}
    op, rows = _own_values(op_dir)
    result = FilterCheck(filter_id, str(doc.get("issuer", "")))
    seen: set[tuple[str, str]] = set()
    for person_id, kind, value, accounts in rows:
        result.checked += 1
        ref = lookup.get(kind, {}).get(keyed_hash(key, kind, value))
        if ref is not None and (ref, person_id) not in seen:
            seen.add((ref, person_id))
            result.hits.append(FilterHit(ref, kind, person_id, accounts))
    result.hits.sort(key=lambda h: (h.reference, h.person_id))
    log = op.root / "xref" / "checks.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"filter_id": filter_id, "issuer": result.issuer, "checked_at": _now(),
                            "filter": str(filter_path), "values_checked": result.checked,
                            "hits": [h.reference for h in result.hits]}, sort_keys=True) + "\n")
    return result
