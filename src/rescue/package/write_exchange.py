"""Exchange formats: FollowTheMoney entities for Aleph and an IBM i2 Analyst's Notebook import CSV.

FtM ids are deterministic: ``make_id("rescue", operation, kind, native id)`` hashed by followthemoney, so
the same person, account or selector gets the same id in every package and version (Aleph merges them).
Both are written as the reports stream in (one report at a time; nothing of the whole package is held).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from followthemoney.util import make_entity_id

from rescue.package.ftm_entity import Fragment, entity_id
from rescue.package.tables import safe_row

MESSENGERS = {"skype", "icq", "telegram", "kik", "wickr", "threema", "session", "signal", "jabber", "snapchat",
              "discord", "matrix", "wire", "aim", "yahoo", "msn", "twitter", "facebook", "instagram", "youtube"}
WALLETS = {"btc": "BTC", "eth": "ETH", "xmr": "XMR"}


def make_id(*parts: str) -> str:
    ident = make_entity_id(*parts)
    assert ident is not None
    return ident


def _ns(doc: dict[str, Any]) -> str:
    return str(doc["operation"].get("name") or "operation")


def report_entities(r: dict[str, Any], ns: str, ref: str,
                    entity: Callable[[str, str], Any] = Fragment) -> list[Any]:
    """The FtM entities of one report (``ref``: COUNTRY/VERSION): the person, its accounts, messenger handles,
    wallets, and the private-message links to persons of the same package. An account, handle or wallet
    shared with a person of another report is the same entity there (same id): FtM merges such fragments.
    Built as :class:`Fragment` (ftm_entity.py): what followthemoney's ``EntityProxy`` would hold; ``entity``
    (schema, id) builds another kind with the same ``add`` (the tests pass followthemoney's own)."""
    ents: dict[str, Any] = {}
    prefix = ("rescue", ns)

    def make(schema: str, *key: str) -> Any:
        ident = entity_id(prefix, *key)
        e = ents.get(ident)
        if e is None:
            e = ents[ident] = entity(schema, ident)
        return e

    pid = r["person_id"]
    person = make("Person", "person", pid)
    person.add("name", r["label"])
    person.add("alias", [n["value"] for n in r["identity"]["names_used"]])
    person.add("birthDate", [b["value"] for b in r["identity"]["birth_dates_claimed"]
                             if len(b["value"]) == 10 and b["value"][4] == "-"])
    if r["attribution"]["country"]:
        person.add("country", r["attribution"]["country"].lower())
    # values this module composes (constants, ids, grades) need no cleaning; seized text always gets it
    person.add("topics", "crime", cleaned=True)
    person.add("notes", f"Rescue person {pid}; role {r['role']}; risk tier {r['risk']['tier']} "
                        f"(grade {r['risk']['grade']}, advisory); attribution grade {r['attribution']['grade']}",
               cleaned=True)
    person.add("sourceUrl", f"rescue:{ns}/{ref}#{pid}")
    for a in r["identity"]["accounts"]:
        acc = make("UserAccount", "account", a["account"])
        acc.add("username", a["username"])
        acc.add("name", a["username"])
        acc.add("service", f"forum {a['source_id']}")
        acc.add("owner", person.id, cleaned=True)
        acc.add("createdAt", (a["registered_at"] or "")[:19] or None)
    for s in r["selectors"]:
        kind, value = s["kind"], s["value"]
        if kind == "email":
            person.add("email", value)
        elif kind == "phone":
            person.add("phone", value)
        elif kind in MESSENGERS:
            acc = make("UserAccount", "selector", kind, value)
            acc.add("name", value)
            acc.add("service", kind, cleaned=True)
            acc.add("owner", person.id, cleaned=True)
        elif kind in WALLETS:
            w = make("CryptoWallet", "wallet", kind, value)
            w.add("publicKey", value)
            w.add("currency", WALLETS[kind], cleaned=True)
            w.add("holder", person.id, cleaned=True)
        elif kind == "ip" and r["identity"]["accounts"]:
            make("UserAccount", "account", r["identity"]["accounts"][0]["account"]).add("ipAddress", value)
        elif kind == "url":
            person.add("website", value)
    for c in r["links"]["contacts"]:
        if c["in_this_package"] and pid < c["person_id"]:
            link = make("UnknownLink", "pm", pid, c["person_id"])
            link.add("subject", person.id, cleaned=True)
            link.add("object", entity_id(prefix, "person", c["person_id"]), cleaned=True)
            link.add("role", f"private messages: {c['messages_sent']} sent, {c['messages_received']} received",
                     cleaned=True)
            link.add("startDate", (c["first_at"] or "")[:10] or None)
            link.add("endDate", (c["last_at"] or "")[:10] or None)
    return list(ents.values())


def ftm_entities(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every entity line of a whole package document, in the order the writer streams them."""
    ns, ref = _ns(doc), f"{doc['country']}/{doc['version']}"
    return [e.to_dict() for r in doc["persons"] for e in report_entities(r, ns, ref)]


class FtmSink:
    """``aleph/entities.ftm.json``: one entity a line, written as the reports stream in."""

    def __init__(self, path: Path, doc_head: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.ns, self.ref = _ns(doc_head), f"{doc_head['country']}/{doc_head['version']}"
        self.fh = path.open("wb")

    def add(self, r: dict[str, Any]) -> None:
        for e in report_entities(r, self.ns, self.ref):
            self.fh.write(orjson.dumps(e.to_dict(), option=orjson.OPT_SORT_KEYS) + b"\n")

    def close(self) -> Path:
        self.fh.close()
        return self.path


def _i2_id(kind: str, value: str) -> str:
    return kind[:3].upper() + "-" + hashlib.sha256(f"{kind}\x1f{value}".encode()).hexdigest()[:16]


I2_ENTITY_HEADER = ["entity_id", "entity_type", "label", "country", "risk_tier", "grade", "description"]
I2_LINK_HEADER = ["end1_id", "end1_type", "end1_label", "end2_id", "end2_type", "end2_label", "link_type",
                  "link_label", "count", "first_date", "last_date", "grade"]


class I2Sink:
    """``i2/entities.csv`` and ``i2/links.csv``: an entity is written once (the first report naming it), so a
    selector shared by two persons is one entity that both link to."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.paths = [folder / "entities.csv", folder / "links.csv"]
        self._fe = self.paths[0].open("w", encoding="utf-8", newline="")
        self._fl = self.paths[1].open("w", encoding="utf-8", newline="")
        self.entities, self.links = csv.writer(self._fe), csv.writer(self._fl)
        self.entities.writerow(I2_ENTITY_HEADER)
        self.links.writerow(I2_LINK_HEADER)
        self.seen: set[str] = set()

    def _entity(self, row: list[Any]) -> None:
        if row[0] not in self.seen:
            self.seen.add(row[0])
            self.entities.writerow(safe_row(row))

    def _new(self, ident: str) -> bool:
        """True the first time ``ident`` is met (its entity row is then written by the caller)."""
        if ident in self.seen:
            return False
        self.seen.add(ident)
        return True

    def add(self, r: dict[str, Any]) -> None:
        pid = r["person_id"]
        p_id = _i2_id("person", pid)
        label = r["label"]
        self._entity([p_id, "Person", label, r["attribution"]["country"], r["risk"]["tier"],
                      r["attribution"]["grade"], f"{pid} ({r['role']})"])
        links = []
        accounts = {}
        for a in r["identity"]["accounts"]:
            a_id = _i2_id("account", a["account"])
            accounts[a["account"]] = (a_id, a["username"])
            if self._new(a_id):
                self.entities.writerow(safe_row([a_id, "Account", a["username"], None, None, a["grade"],
                                                 a["account"]]))
            links.append([p_id, "Person", label, a_id, "Account", a["username"], "holds", "holds account",
                          1, a["registered_at"], a["last_visit_at"], a["grade"]])
        for s in r["selectors"]:
            kind, value = s["kind"], s["value"]
            s_id = _i2_id(kind, value)
            s_type = kind.capitalize() if kind != "ip" else "IP Address"
            if self._new(s_id):
                self.entities.writerow(safe_row([s_id, s_type, value, (s.get("network") or {}).get("country"), None,
                                                 s["grade"], kind]))
            ends = [(accounts[k][0], "Account", accounts[k][1]) for k in s["accounts"] if k in accounts]
            for end_id, end_type, end_label in ends or [(p_id, "Person", label)]:
                links.append([end_id, end_type, end_label, s_id, s_type, value, "uses",
                              f"{kind} seen {s['sightings']}x", s["sightings"], s["first_seen"], s["last_seen"],
                              s["grade"]])
        for c in r["links"]["contacts"]:
            if c["in_this_package"] and pid < c["person_id"]:
                o_id = _i2_id("person", c["person_id"])
                total = c["messages_sent"] + c["messages_received"]
                links.append([p_id, "Person", label, o_id, "Person", c["label"], "messaged",
                              f"private messages ({total})", total, c["first_at"], c["last_at"], c["grade"]])
        self.links.writerows(safe_row(x) for x in links)

    def close(self) -> list[Path]:
        self._fe.close()
        self._fl.close()
        return self.paths
