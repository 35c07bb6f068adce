"""The synthetic world generator: real phpBB dumps, consistent ground truth, determinism."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import phonenumbers
import pytest
from geoip2fast import GeoIP2Fast

from rescue.errors import SynthError
from rescue.synth import generate
from rescue.synth.accounts import plan_membership
from rescue.synth.common import Draws, base36_id, base36_ids, uniform_block, uniform_row
from rescue.synth.geo import DATA_FILE
from rescue.synth.mysqldump import escape
from rescue.synth.people import build_population
from rescue.synth.png import encode_png
from rescue.synth.world import deleted_count
from rescue.synth.writers.phpbb_text import bitfield, html

FIXTURES = Path(__file__).parent / "fixtures" / "forum-dumps"
UNESCAPE = {"0": "\0", "'": "'", '"': '"', "\\": "\\", "n": "\n", "r": "\r", "Z": "\x1a"}


# -- an independent reader of the dumps (one tuple per line, as mariadb-dump writes) ------------------

def split_tuple(line: str) -> list[str | None]:
    body = line[:-1] if line.endswith((",", ";")) else line
    assert body[0] == "(" and body[-1] == ")", line[:80]
    out: list[str | None] = []
    i, n = 1, len(body) - 1
    while i < n:
        if body[i] == "'":
            j, buf = i + 1, []
            while body[j] != "'":
                if body[j] == "\\":
                    buf.append(UNESCAPE[body[j + 1]])
                    j += 2
                else:
                    buf.append(body[j])
                    j += 1
            out.append("".join(buf))
            i = j + 1
        else:
            j = body.find(",", i)
            j = n if j < 0 else j
            tok = body[i:j]
            out.append(None if tok == "NULL" else tok)
            i = j
        if i < n:
            assert body[i] == ",", body[i - 20:i + 20]
            i += 1
    return out


def dump_rows(path: Path) -> Iterator[tuple[str, str]]:
    """(table, tuple line) for every row of every INSERT."""
    table = None
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("INSERT INTO `"):
                table = line.split("`")[1]
                assert line.endswith(" VALUES"), line
            elif table and line.startswith("("):
                yield table, line
                if line.endswith(");"):
                    table = None


Row = dict[str, str | None]


def table_rows(path: Path, wanted: str) -> list[Row]:
    names = create_tables(path)[wanted]
    return [dict(zip(names, split_tuple(line), strict=True)) for table, line in dump_rows(path) if table == wanted]


def create_tables(path: Path) -> dict[str, list[str]]:
    """Column names per CREATE TABLE, in file order."""
    out: dict[str, list[str]] = {}
    text = path.read_text(encoding="utf-8")
    for m in re.finditer(r"^CREATE TABLE `([^`]+)` \(\n(.*?)^\) ENGINE", text, flags=re.S | re.M):
        out[m.group(1)] = re.findall(r"^  `([^`]+)` ", m.group(2), flags=re.M)
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def world(small_world: Path) -> Path:
    return small_world


@pytest.fixture(scope="module")
def users(world: Path) -> dict[int, Row]:
    return {int(str(r["user_id"])): r for r in table_rows(world / "forum" / "phpbb.sql", "phpbb_users")}


@pytest.fixture(scope="module")
def posts(world: Path) -> dict[int, Row]:
    return {int(str(r["post_id"])): r for r in table_rows(world / "forum" / "phpbb.sql", "phpbb_posts")}


# -- parameters -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [dict(members=9, seed=1), dict(members=0, seed=1), dict(members=50, seed=-1),
                                    dict(members=50, seed=1, software="nosuchforum")])
def test_bad_parameters_raise_synth_error(tmp_path: Path, kwargs: dict[str, object]) -> None:
    with pytest.raises(SynthError):
        generate(tmp_path / "w", **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "w" / "truth").exists()


# -- determinism ----------------------------------------------------------------------------------------

def test_same_seed_gives_identical_bytes(world: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    summary = generate(again, members=400, seed=11, workers=1)  # the fixture rendered posts with 2 processes
    files = sorted(p.relative_to(world) for p in world.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert any(f.parts[:2] == ("forum", "files") for f in files)
    for f in files:
        assert (world / f).read_bytes() == (again / f).read_bytes(), f
    assert summary.members == 400 and summary.persons > 300 and summary.seconds > 0
    assert [p.relative_to(again).as_posix() for p in summary.dump_paths] == ["forum/phpbb.sql", "other/phpbb.sql"]


def test_other_seed_gives_other_world(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", members=12, seed=1)
    b = generate(tmp_path / "b", members=12, seed=2)
    assert a.dump_paths[0].read_bytes() != b.dump_paths[0].read_bytes()
    assert a.row_counts["forum/phpbb.sql"]["phpbb_users"] == 12 + 12  # members + guest + 11 bots


def test_counter_based_draws_match_one_at_a_time() -> None:
    ids = np.asarray([1, 2, 99_999, 2**40], dtype=np.int64)
    block = uniform_block(123456789, ids, 7)
    for row, n in zip(block.tolist(), ids.tolist(), strict=True):
        assert row == uniform_row(123456789, n, 7)
        assert all(0.0 <= x < 1.0 for x in row)
    assert base36_ids(5, ids) == [base36_id(5, n) for n in ids.tolist()]
    d = Draws([0.25, 0.75])
    assert [d.randrange(4), d.choice("abcd")] == [1, "d"] and 0.0 <= d.random() < 1.0


# -- the dump is a real mariadb-dump of the phpBB 3.0 schema --------------------------------------------

def test_dump_layout_matches_mariadb_dump(world: Path) -> None:
    dump = world / "forum" / "phpbb.sql"
    text = dump.read_text(encoding="utf-8")
    fixture = (FIXTURES / "phpbb30_default.sql").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "/*M!999999\\- enable the sandbox mode */ "
    assert "/*!40101 SET NAMES utf8mb4 */;" in text and text.endswith("\n")
    assert re.search(r"\n-- Dump completed on \d{4}-\d\d-\d\d [ \d]\d:\d\d:\d\d\n$", text)
    ours, theirs = create_tables(dump), create_tables(FIXTURES / "phpbb30_default.sql")
    assert list(ours) == sorted(ours) == list(theirs)  # every 3.0 table, alphabetical as mysqldump
    assert ours == theirs
    strip = re.compile(r" AUTO_INCREMENT=\d+")
    blocks = re.findall(r"^CREATE TABLE .*?;$", text, flags=re.S | re.M)
    assert [strip.sub("", b) for b in blocks] == [strip.sub("", b) for b in
                                                  re.findall(r"^CREATE TABLE .*?;$", fixture, flags=re.S | re.M)]
    for t in ("phpbb_acl_groups", "phpbb_zebra"):
        assert f"LOCK TABLES `{t}` WRITE;\n/*!40000 ALTER TABLE `{t}` DISABLE KEYS */;\n" \
               f"/*!40000 ALTER TABLE `{t}` ENABLE KEYS */;\nUNLOCK TABLES;" in text
    ids = [int(str(r["user_id"])) for r in table_rows(dump, "phpbb_users")]
    ids += [int(d["account_id"]) for d in read_csv(world / "truth" / "deleted_accounts.csv") if d["forum"] == "forum"]
    assert f"AUTO_INCREMENT={max(ids) + 1} DEFAULT" in text.split("CREATE TABLE `phpbb_users`")[1].split(";")[0]
    posts = table_rows(dump, "phpbb_posts")
    assert f"AUTO_INCREMENT={len(posts) + 1} DEFAULT" in text.split("CREATE TABLE `phpbb_posts`")[1].split(";")[0]
    other = create_tables(world / "other" / "phpbb.sql")
    assert set(other) == {t.replace("phpbb_", "ob_", 1) for t in theirs}


def test_manifest_row_counts_equal_insert_tuples(world: Path) -> None:
    manifest = json.loads((world / "truth" / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["members"] == 400 and manifest["generator_version"]
    for rel, info in manifest["dumps"].items():
        path = world / rel
        columns = create_tables(path)
        counted: Counter[str] = Counter()
        for table, line in dump_rows(path):
            counted[table] += 1
            assert len(split_tuple(line)) == len(columns[table]), (table, line[:120])
        assert {t: n for t, n in info["rows"].items() if n} == dict(counted)
        assert set(info["rows"]) == set(columns)
        assert info["bytes"] == path.stat().st_size
    rows = manifest["dumps"]["forum/phpbb.sql"]["rows"]
    assert rows["phpbb_users"] == 400 + 12 and rows["phpbb_groups"] == 7 and rows["phpbb_posts"] > 400 * 15
    assert rows["phpbb_privmsgs_to"] > rows["phpbb_privmsgs"] > 400
    assert rows["phpbb_sessions"] > rows["phpbb_users"] * 5


def test_statements_split_near_net_buffer_length(world: Path) -> None:
    sizes = []
    with (world / "forum" / "phpbb.sql").open("rb") as fh:
        current = 0
        for line in fh:
            if line.startswith(b"INSERT INTO"):
                current = len(line)
            elif current:
                current += len(line)
                if line.endswith(b");\n"):
                    sizes.append(current)
                    current = 0
    assert max(sizes) <= 1_000_100
    assert sum(1 for s in sizes if s > 900_000) >= 2  # the posts table needed several statements


def test_escaping_is_exactly_mysqldumps() -> None:
    demo = (FIXTURES / "escape_rules_demo.sql").read_text(encoding="utf-8")
    raw = "nul[\0] ctrlz[\x1a] dq[\"] sq['] bs[\\] tab[\t] cr[\r] lf[\n]"
    assert f"(1,'{escape(raw)}'," in demo
    assert split_tuple(f"(1,'{escape(raw)}',NULL,0.00);") == ["1", raw, None, "0.00"]


def test_phpbb_text_storage_rules(world: Path, posts: dict[int, Row]) -> None:
    assert bitfield([1]) == "QA==" and bitfield([0]) == "gA==" and bitfield([]) == ""
    assert html('a "b" <c> & \U0001F600') == "a &quot;b&quot; &lt;c&gt; &amp; &#128512;"
    texts = [str(r["post_text"]) for r in posts.values()]
    assert any("<br />" in t for t in texts) and not any("\n" in t for t in texts)
    assert any(re.search(r"&#1\d{5};", t) for t in texts)  # emoji as NCRs (utf8mb3 tables)
    quoted = [r for r in posts.values() if "[quote=&quot;" in str(r["post_text"])]
    assert quoted
    for r in quoted[:50]:
        uid = str(r["bbcode_uid"])
        assert re.fullmatch(r"[0-9a-z]{8}", uid) and f"[/quote:{uid}]" in str(r["post_text"])
        assert r["bbcode_bitfield"] in ("gA==", "wA==", "kA==", "gCA=", "sA==")
    manifest = json.loads((world / "truth" / "manifest.json").read_text())
    hostile = manifest["hostile_rows"]
    assert {h["table"] for h in hostile} >= {"phpbb_posts", "phpbb_topics"}
    for h in hostile:
        if h["table"] == "phpbb_posts":
            t = str(posts[h["row_id"]]["post_text"])
            assert "&lt;" in t and "<script" not in t and "<img src=x" not in t and "<svg" not in t
    assert "onerror=alert(1)&gt;" in (world / "forum" / "phpbb.sql").read_text(encoding="utf-8")


# -- ground truth consistency -----------------------------------------------------------------------------

def test_every_truth_account_is_in_the_dump(world: Path, users: dict[int, Row], posts: dict[int, Row]) -> None:
    accounts = read_csv(world / "truth" / "accounts.csv")
    forum = [a for a in accounts if a["forum"] == "forum"]
    assert len(forum) == len(users) == 412
    roles = Counter(a["role"] for a in forum)
    assert roles["guest"] == 1 and roles["bot"] == 11 and roles["admin"] >= 2 and roles["moderator"] >= 1
    for a in forum:
        row = users[int(a["account_id"])]
        assert row["username"] == a["username"]
        if a["role"] not in ("guest", "bot"):
            assert row["user_email"] == a["email"] and a["person_id"]
        if a["role"] == "bot":
            assert (row["user_type"], row["group_id"]) == ("2", "6")
    assert (users[1]["username"], users[1]["user_type"], users[1]["group_id"]) == ("Anonymous", "2", "1")
    assert (users[2]["user_type"], users[2]["group_id"]) == ("3", "5")  # the founder
    assert {users[int(a["account_id"])]["user_type"] for a in forum if "inactive" in a["flags"]} == {"1"}
    bans = table_rows(world / "forum" / "phpbb.sql", "phpbb_banlist")
    banned = {a["account_id"] for a in forum if "banned" in a["flags"]}
    assert banned and banned == {str(b["ban_userid"]) for b in bans if b["ban_userid"] != "0"}
    deleted = read_csv(world / "truth" / "deleted_accounts.csv")
    assert len([d for d in deleted if d["forum"] == "forum"]) == deleted_count(400)
    guest_names = {str(r["post_username"]) for r in posts.values() if r["poster_id"] == "1"}
    assert {d["username"] for d in deleted if d["forum"] == "forum" and int(d["posts"]) > 0} <= guest_names
    assert not {int(d["account_id"]) for d in deleted if d["forum"] == "forum"} & {int(a["account_id"]) for a in forum}


def test_planted_selectors_are_where_the_truth_says(world: Path, users: dict[int, Row],
                                                   posts: dict[int, Row]) -> None:
    selectors = read_csv(world / "truth" / "selectors.csv")
    kinds = Counter(s["kind"] for s in selectors)
    assert {"email", "phone", "icq", "jabber"} <= set(kinds)
    assert {s["form"] for s in selectors} == {"plain", "obfuscated"}
    checked = 0
    for s in selectors:
        if s["forum"] != "forum":
            continue
        if s["planted_table"] == "phpbb_users" and s["planted_field"] != "user_sig":
            assert users[int(s["planted_row"])][s["planted_field"]] == s["value"]
            checked += 1
        elif s["planted_table"] == "phpbb_posts" and s["form"] == "plain" and s["kind"] in ("email", "icq", "kik"):
            text = str(posts[int(s["planted_row"])]["post_text"]).lower().replace("&#46;", ".")
            assert s["value"] in text, s
            checked += 1
        elif s["planted_table"] == "phpbb_posts" and s["kind"] == "phone":
            text = re.sub(r"\D", "", str(posts[int(s["planted_row"])]["post_text"]))
            national = str(phonenumbers.parse(s["value"]).national_number)
            assert national in text, s
            checked += 1
    assert checked > 400
    owners: defaultdict[str, set[str]] = defaultdict(set)
    for s in selectors:
        owners[s["value"]].add(s["person_id"])
    assert all(len(p) == 1 for p in owners.values())  # no selector is shared by two persons


def test_selectors_inside_quotes_belong_to_the_quoted_member(world: Path, users: dict[int, Row],
                                                            posts: dict[int, Row]) -> None:
    selectors = read_csv(world / "truth" / "selectors.csv")
    quoted = [s for s in selectors if s["in_quote_of"]]
    assert quoted
    originals = {(s["account_id"], s["kind"], s["value"]) for s in selectors
                 if not s["in_quote_of"] and s["planted_table"].endswith("_posts")}
    for s in quoted:
        assert s["in_quote_of"] == s["account_id"]
        assert (s["account_id"], s["kind"], s["value"]) in originals
        if s["forum"] != "forum":
            continue
        post = posts[int(s["planted_row"])]
        owner = users.get(int(s["account_id"]))
        name = str(owner["username"]) if owner else None
        text = str(post["post_text"])
        if name:
            assert text.startswith(f"[quote=&quot;{html(name)}&quot;:{post['bbcode_uid']}]")
        assert post["poster_id"] != s["account_id"]  # the poster is someone else


def test_phone_numbers_are_valid_for_the_persons_country(world: Path) -> None:
    persons = {p["person_id"]: p for p in read_csv(world / "truth" / "persons.csv")}
    phones = [s for s in read_csv(world / "truth" / "selectors.csv") if s["kind"] == "phone"]
    assert phones
    for s in phones:
        num = phonenumbers.parse(s["value"])
        assert phonenumbers.is_valid_number(num)
        assert phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164) == s["value"]
        assert phonenumbers.region_code_for_number(num) == persons[s["person_id"]]["country"]


def test_home_and_travel_ips_geolocate_where_the_truth_says(world: Path) -> None:
    geo = GeoIP2Fast(geoip2fast_data_file=DATA_FILE)
    persons = {p["person_id"]: p["country"] for p in read_csv(world / "truth" / "persons.csv")}
    ips = read_csv(world / "truth" / "ips.csv")
    kinds = Counter(r["kind"] for r in ips)
    assert kinds["home"] >= len(persons) and kinds["travel"] > 0
    assert any(":" in r["ip"] for r in ips) and any("." in r["ip"] for r in ips)
    for r in ips:
        assert geo.lookup(r["ip"]).country_code == r["country"], r
        if r["kind"] in ("home", "mobile"):
            assert r["country"] == persons[r["person_id"]]
        else:
            assert r["country"] != persons[r["person_id"]]


def test_traps_are_shared_by_unrelated_persons(world: Path) -> None:
    geo = GeoIP2Fast(geoip2fast_data_file=DATA_FILE)
    traps = read_csv(world / "truth" / "traps.csv")
    assert {t["kind"] for t in traps} == {"vpn", "tor", "cgnat", "travel"}
    persons = {p["person_id"]: p["country"] for p in read_csv(world / "truth" / "persons.csv")}
    for t in traps:
        assert geo.lookup(t["ip"]).country_code == t["country"]
        if t["kind"] == "cgnat" and t["person_ids"]:
            assert {persons[p] for p in t["person_ids"].split()} == {t["country"]}
    assert max(int(t["persons"]) for t in traps if t["kind"] == "vpn") >= 3
    assert max(int(t["persons"]) for t in traps if t["kind"] == "cgnat") >= 2
    sessions = table_rows(world / "forum" / "phpbb.sql", "phpbb_sessions")
    users_by_ip: defaultdict[str, set[str]] = defaultdict(set)
    for r in sessions:
        users_by_ip[str(r["session_ip"])].add(str(r["session_user_id"]))
    assert max(len(users_by_ip[t["ip"]]) for t in traps if t["kind"] == "vpn") >= 3


def test_alias_pairs_and_the_other_forum(world: Path) -> None:
    accounts = read_csv(world / "truth" / "accounts.csv") + read_csv(world / "truth" / "deleted_accounts.csv")
    person_of = {(a["forum"], a["account_id"]): a["person_id"] for a in accounts}
    pairs = read_csv(world / "truth" / "alias_pairs.csv")
    assert pairs
    for p in pairs:
        assert person_of[p["forum"], p["account_a"]] == person_of[p["forum"], p["account_b"]] == p["person_id"]
    assert {p["shares_selector"] for p in pairs} == {"true", "false"}  # some pairs are style-only
    main = {a["person_id"] for a in accounts if a["forum"] == "forum" and a["person_id"]}
    other = {a["person_id"] for a in accounts if a["forum"] == "other" and a["person_id"]}
    assert 0.04 <= len(main & other) / len(main) <= 0.12
    cross = read_csv(world / "truth" / "cross_forum.csv")
    assert {c["person_id"] for c in cross} == main & other


def test_risk_indicators_are_planted_for_a_small_share(world: Path) -> None:
    persons = read_csv(world / "truth" / "persons.csv")
    tiers = Counter(p["risk_tier"] for p in persons)
    assert 0.01 <= tiers["high"] / len(persons) <= 0.08
    risk = read_csv(world / "truth" / "risk.csv")
    tier_of = {p["person_id"]: p["risk_tier"] for p in persons}
    assert risk and all(tier_of[r["person_id"]] == r["tier"] != "none" for r in risk)
    assert {r["indicator"] for r in risk} == {"occupation", "private_channel", "meeting", "filehost"}
    assert all(p["is_staff"] == "0" for p in persons if p["risk_tier"] != "none")
    assert not re.search(r"\bsex|porn|nude", (world / "forum" / "phpbb.sql").read_text(encoding="utf-8"), re.I)


def test_thirty_countries_at_two_thousand_members() -> None:
    plan = plan_membership(3, 2000 + deleted_count(2000), 400)
    pop = build_population(3, plan.n_persons)
    assert len(set(pop.country.tolist())) >= 30
    assert len(set(pop.lang)) >= 20


def test_attachment_files_are_real_pngs(world: Path) -> None:
    rows = table_rows(world / "forum" / "phpbb.sql", "phpbb_attachments")
    assert rows
    for r in rows:
        name = str(r["physical_filename"])
        assert re.fullmatch(r"\d+_[0-9a-f]{32}", name) and name.startswith(f"{r['poster_id']}_")
        data = (world / "forum" / "files" / name).read_bytes()
        assert len(data) == int(str(r["filesize"]))
        if r["extension"] == "png":
            assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    png = encode_png(np.zeros((2, 3, 3), dtype=np.uint8))
    assert png.startswith(b"\x89PNG") and png.endswith(b"IEND\xaeB`\x82")


def test_forum_tables_are_consistent(world: Path, users: dict[int, Row], posts: dict[int, Row]) -> None:
    dump = world / "forum" / "phpbb.sql"
    topics = table_rows(dump, "phpbb_topics")
    by_topic: defaultdict[str, list[Row]] = defaultdict(list)
    for p in sorted(posts.values(), key=lambda r: int(str(r["post_id"]))):
        by_topic[str(p["topic_id"])].append(p)
    assert len(by_topic) == len(topics)
    times = [int(str(p["post_time"])) for p in sorted(posts.values(), key=lambda r: int(str(r["post_id"])))]
    assert times == sorted(times)  # post ids follow time, as on a real board
    for t in topics:
        ps = by_topic[str(t["topic_id"])]
        assert (t["topic_first_post_id"], t["topic_last_post_id"]) == (ps[0]["post_id"], ps[-1]["post_id"])
        assert int(str(t["topic_replies"])) == len(ps) - 1 and ps[0]["post_subject"] == t["topic_title"]
        assert {p["forum_id"] for p in ps} == {t["forum_id"]}
        assert all(p["post_subject"] == "Re: " + str(t["topic_title"]) for p in ps[1:])
    per_user = Counter(str(p["poster_id"]) for p in posts.values())
    for u in users.values():
        if u["user_type"] != "2":
            assert int(str(u["user_posts"])) == per_user[str(u["user_id"])]
            assert int(str(u["user_regdate"])) <= min(
                (int(str(p["post_time"])) for p in posts.values() if p["poster_id"] == u["user_id"]), default=2**31)
    forum_posts: Counter[str] = Counter()
    for t in topics:
        forum_posts[str(t["forum_id"])] += int(str(t["topic_replies"])) + 1
    for f in table_rows(dump, "phpbb_forums"):
        assert int(str(f["forum_posts"])) == forum_posts[str(f["forum_id"])]
    pms = table_rows(dump, "phpbb_privmsgs")
    boxes: defaultdict[str, list[Row]] = defaultdict(list)
    for r in table_rows(dump, "phpbb_privmsgs_to"):
        boxes[str(r["msg_id"])].append(r)
    for m in pms:
        rows = boxes[str(m["msg_id"])]
        assert [r["user_id"] for r in rows if r["folder_id"] == "-1"] == [m["author_id"]]  # the sender's copy
        assert {f"u_{r['user_id']}" for r in rows if r["folder_id"] == "0"} == set(str(m["to_address"]).split(":"))


def _in_datacenter(ips: list[str]) -> list[str]:
    from rescue.analyse import resources
    from rescue.analyse.netsets import Addresses, NetSet

    nets = NetSet("dc", [c for named in resources.misp_ranges().values() for _n, lst in named for c in lst])
    patterns = resources.hosting_asn_patterns()
    geo = GeoIP2Fast(geoip2fast_data_file=DATA_FILE)
    listed = Addresses(ips).member_of(nets).tolist()
    return [ip for ip, hit in zip(ips, listed, strict=True)
            if hit or any(p in str(getattr(geo.lookup(ip), "asn_name", "") or "").lower() for p in patterns)]


def test_own_lines_are_never_drawn_in_a_datacenter() -> None:
    """A country's address space holds cloud regions (Azure, AWS, OVH…): drawn plainly, some addresses fall
    in one; a person's own line (``access``) never does."""
    import random

    from rescue.synth.countries import HOSTING_ASNS
    from rescue.synth.geo import geo_index

    geo = geo_index(tuple(sorted(HOSTING_ASNS)))
    plain, access = [], []
    for cc in ("US", "NL", "DE", "FR", "IN"):
        rng_a, rng_b = random.Random(cc), random.Random(cc)
        plain += [geo.draw_v4(rng_a, cc) for _ in range(400)]
        access += [geo.draw_v4(rng_b, cc, access=True) for _ in range(400)]
        access += [geo.draw_v6(rng_b, cc, access=True) for _ in range(100)]
    assert len(_in_datacenter(plain)) >= 20  # the check can fail: plain draws do land in datacenters
    assert _in_datacenter(access) == []


def test_persons_own_addresses_are_consumer_lines(world: Path) -> None:
    own = [r["ip"] for r in read_csv(world / "truth" / "ips.csv")]
    traps = {t["ip"] for t in read_csv(world / "truth" / "traps.csv") if t["kind"] != "travel"}
    assert _in_datacenter([ip for ip in own if ip not in traps]) == []
