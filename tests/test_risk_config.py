"""Risk configuration: versioned, validated, editable by an analyst; protected attributes refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from rescue.analyse.testing import MiniStore
from rescue.risk import RiskConfigError, load_config, run
from rescue.risk.config import default_path

MAIN_INDICATORS = ("access_to_children", "private_channel", "meeting", "filehost")
LANGUAGES = ("en", "de", "fr", "es", "nl", "pl", "it", "pt")


def copy_config(tmp_path: Path) -> Path:
    """The shipped configuration folder, copied for an analyst to change; returns the copy's risk.toml."""
    target = tmp_path / "risk"
    shutil.copytree(default_path().parent, target)
    return target / "risk.toml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_configuration() -> None:
    cfg = load_config()
    assert cfg.version and len(cfg.digest) == 16
    assert [lx.language for lx in cfg.lexicons] == list(LANGUAGES)
    for lx in cfg.lexicons:
        assert lx.version and all(lx.cues[c] for c in ("self", "negation", "reported")), lx.language
        for ind in MAIN_INDICATORS:
            groups = lx.terms.get(ind, {})
            assert any(terms for g, terms in groups.items() if g != "exclude"), (lx.language, ind)
    assert [name for name, _ in cfg.tiers] == ["Very High", "High", "Medium"]
    assert "advises a human decision; it does not replace one" in cfg.advisory


@pytest.mark.parametrize(("old", "new", "message"), [
    ("[indicators.staff]", "[indicators.nationality]", "protected attribute"),
    ("[indicators.staff]", "[indicators.user_country]", "protected attribute"),
    ('kind = "staff"', 'kind = "language"', "protected attribute"),
    ('kind = "staff"', 'kind = "ethnicity"', "protected attribute"),
    ('kind = "staff"', 'kind = "stars"', "unknown kind"),
    ("groups = { offer = 1.0 }", "groups = { offer = 1.0, religion = 1.0 }", "protected attribute"),
    ("points = 1.0\ncap = 1.0", "points = 1.0\ncap = 1.0\ncolumn = \"location\"", "unknown key"),
    ('version = "risk-2025.1"', 'version = ""', "version"),
    ("very_high = 13.0", "very_high = 1.0", "tiers"),
    ("alone_cap = 2.0", "alone_cap = -1", "number"),
])
def test_invalid_configurations_are_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = copy_config(tmp_path)
    edit(path, old, new)
    with pytest.raises(RiskConfigError, match=message):
        load_config(path)


def test_bad_lexicon_term_names_file_and_term(tmp_path: Path) -> None:
    path = copy_config(tmp_path)
    edit(path.parent / "lexicons" / "nl.toml", '"bijles"', '"bij(les"')
    with pytest.raises(RiskConfigError, match=r"nl\.toml.*bij\(les"):
        load_config(path)


def test_lexicon_group_must_be_configured(tmp_path: Path) -> None:
    path = copy_config(tmp_path)
    edit(path.parent / "lexicons" / "it.toml", "[meeting]\noffer = [", "[meeting]\nnationality = [")
    with pytest.raises(RiskConfigError, match="unknown key"):
        load_config(path)


def test_an_analysts_copy_changes_the_scores_and_is_recorded(tmp_path: Path) -> None:
    s = MiniStore(tmp_path / "store.duckdb")
    s.account("10", "member")
    s.post("10", "1", "We could meet in person when I'm in town.")
    s.close()
    con = duckdb.connect(str(s.path))
    from rescue.analyse.persons import build_persons

    build_persons(con)
    run(con)
    (shipped,) = con.execute("SELECT score FROM risk").fetchall()[0]
    path = copy_config(tmp_path)
    edit(path, 'version = "risk-2025.1"', 'version = "local-7"')
    edit(path, "[indicators.meeting]\nkind = \"text\"\nclass = \"behaviour\"\nlabel = \"Offers to meet in person\"\n"
               "points = 4.0", "[indicators.meeting]\nkind = \"text\"\nclass = \"behaviour\"\n"
               "label = \"Offers to meet in person\"\npoints = 6.0")
    edit(path, "cap = 4.5\ngroups = { offer", "cap = 6.0\ngroups = { offer")
    run(con, config_path=path)
    score, version, tier = con.execute("SELECT score, config_version, tier FROM risk").fetchall()[0]
    assert (shipped, score, version, tier) == (4.0, 6.0, "local-7", "Medium")
