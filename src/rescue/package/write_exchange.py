"""Exchange formats: FollowTheMoney entities for Aleph and an IBM i2 Analyst's Notebook import CSV.

FtM ids are deterministic: ``make_id("rescue", operation, kind, native id)`` hashed by followthemoney, so
the same person, account or selector gets the same id in every package and version (Aleph merges them).
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

from followthemoney import model

from rescue.package.tables import safe_cell

MESSENGERS = {"skype", "icq", "telegram", "kik", "wickr", "threema", "session", "signal", "jabber", "snapchat",
              "discord", "matrix", "wire", "aim", "yahoo", "msn", "twitter", "facebook", "instagram", "youtube"}
WALLETS = {"btc": "BTC", "eth": "ETH", "xmr": "XMR"}


def _ns(doc: dict[str, Any]) -> str:
    return str(doc["operation"].get("name") or "operation")


def ftm_entities(doc: dict[str, Any]) -> list[dict[str, Any]]:
    ns = _ns(doc)
    ents: dict[str, Any] = {}

    def make(schema: str, *key: str) -> Any:
        e = model.make_entity(schema)
        e.make_id("rescue", ns, *key)
        assert e.id is not None
        if e.id in ents:
            return ents[e.id]
        ents[e.id] = e
        return e

    in_package = {r["person_id"] for r in doc["persons"]}
    for r in doc["persons"]:
        pid = r["person_id"]
        person = make("Person", "person", pid)
        person.add("name", r["label"])
        person.add("alias", [n["value"] for n in r["identity"]["names_used"]])
        person.add("birthDate", [b["value"] for b in r["identity"]["birth_dates_claimed"]
                                 if len(b["value"]) == 10 and b["value"][4] == "-"])
        if r["attribution"]["country"]:
            person.add("country", r["attribution"]["country"].lower())
        person.add("topics", "crime")
        person.add("notes", f"Rescue person {pid}; role {r['role']}; risk tier {r['risk']['tier']} "
                            f"(grade {r['risk']['grade']}, advisory); attribution grade {r['attribution']['grade']}")
        person.add("sourceUrl", f"rescue:{ns}/{doc['country']}/{doc['version']}#{pid}")
        for a in r["identity"]["accounts"]:
            acc = make("UserAccount", "account", a["account"])
            acc.add("username", a["username"])
            acc.add("name", a["username"])
            acc.add("service", f"forum {a['source_id']}")
            acc.add("owner", person.id)
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
                acc.add("service", kind)
                acc.add("owner", person.id)
            elif kind in WALLETS:
                w = make("CryptoWallet", "wallet", kind, value)
                w.add("publicKey", value)
                w.add("currency", WALLETS[kind])
                w.add("holder", person.id)
            elif kind == "ip" and r["identity"]["accounts"]:
                make("UserAccount", "account", r["identity"]["accounts"][0]["account"]).add("ipAddress", value)
            elif kind == "url":
                person.add("website", value)
        for c in r["links"]["contacts"]:
            if c["in_this_package"] and c["person_id"] in in_package and pid < c["person_id"]:
                link = make("UnknownLink", "pm", pid, c["person_id"])
                link.add("subject", person.id)
                link.add("object", make("Person", "person", c["person_id"]).id)
                link.add("role", f"private messages: {c['messages_sent']} sent, {c['messages_received']} received")
                link.add("startDate", (c["first_at"] or "")[:10] or None)
                link.add("endDate", (c["last_at"] or "")[:10] or None)
    return [e.to_dict() for _, e in sorted(ents.items())]


def write_ftm(doc: dict[str, Any], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for e in ftm_entities(doc):
            fh.write(json.dumps(e, sort_keys=True, ensure_ascii=False) + "\n")
    return path


def _i2_id(kind: str, value: str) -> str:
    return kind[:3].upper() + "-" + hashlib.sha256(f"{kind}\x1f{value}".encode()).hexdigest()[:16]


I2_ENTITY_HEADER = ["entity_id", "entity_type", "label", "country", "risk_tier", "grade", "description"]
I2_LINK_HEADER = ["end1_id", "end1_type", "end1_label", "end2_id", "end2_type", "end2_label", "link_type",
                  "link_label", "count", "first_date", "last_date", "grade"]


def i2_rows(doc: dict[str, Any]) -> tuple[list[list[Any]], list[list[Any]]]:
    entities: dict[str, list[Any]] = {}
    links: list[list[Any]] = []
    for r in doc["persons"]:
        pid = r["person_id"]
        p_id = _i2_id("person", pid)
        entities[p_id] = [p_id, "Person", r["label"], r["attribution"]["country"], r["risk"]["tier"],
                          r["attribution"]["grade"], f"{pid} ({r['role']})"]
        for a in r["identity"]["accounts"]:
            a_id = _i2_id("account", a["account"])
            entities[a_id] = [a_id, "Account", a["username"], None, None, a["grade"], a["account"]]
            links.append([p_id, "Person", r["label"], a_id, "Account", a["username"], "holds", "holds account",
                          1, a["registered_at"], a["last_visit_at"], a["grade"]])
        accounts = {a["account"]: a["username"] for a in r["identity"]["accounts"]}
        for s in r["selectors"]:
            s_id = _i2_id(s["kind"], s["value"])
            entities[s_id] = [s_id, s["kind"].capitalize() if s["kind"] != "ip" else "IP Address", s["value"],
                              (s.get("network") or {}).get("country"), None, s["grade"], s["kind"]]
            ends = [(_i2_id("account", k), "Account", accounts.get(k, k)) for k in s["accounts"] if k in accounts]
            for end_id, end_type, end_label in ends or [(p_id, "Person", r["label"])]:
                links.append([end_id, end_type, end_label, s_id, entities[s_id][1], s["value"], "uses",
                              f"{s['kind']} seen {s['sightings']}x", s["sightings"], s["first_seen"], s["last_seen"],
                              s["grade"]])
        for c in r["links"]["contacts"]:
            if c["in_this_package"] and pid < c["person_id"]:
                o_id = _i2_id("person", c["person_id"])
                total = c["messages_sent"] + c["messages_received"]
                links.append([p_id, "Person", r["label"], o_id, "Person", c["label"], "messaged",
                              f"private messages ({total})", total, c["first_at"], c["last_at"], c["grade"]])
    return sorted(entities.values()), links


def write_i2(doc: dict[str, Any], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    entities, links = i2_rows(doc)
    out = []
    for name, header, rows in (("entities", I2_ENTITY_HEADER, entities), ("links", I2_LINK_HEADER, links)):
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows([safe_cell(v) for v in row] for row in rows)
        out.append(path)
    return out
