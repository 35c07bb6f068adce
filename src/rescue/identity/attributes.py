"""Probabilistic linkage over account attributes with Splink (Fellegi–Sunter; DuckDB backend).

Compared: the user name (exact, its variant — lower case, leetspeak read as letters, digits and separators
dropped — and Jaro–Winkler of the variant), the digits in the user name, birth date, declared location
(text, then its country), time-zone setting, language of the member's text, registration hour and the
mean hour of day of posting. u probabilities are estimated on random pairs, m probabilities by EM on
blocked pairs (blocked on the user-name variant, then on the birth date). Splink runs on its own
in-memory DuckDB connection, bounded like the store's (``rescue.analyse.limits.side_connection``: half of
the analysis' memory limit, taken from the store connection's while it runs; spilling to its temp directory);
only the scored pairs come back.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import duckdb
import pyarrow as pa

from rescue import engine
from rescue.analyse.limits import release_side, side_connection
from rescue.identity.config import IdentityConfig
from rescue.identity.model import Evidence

_LABELS = {"username": "user name", "username_digits": "digits in user name", "birth_date": "birth date",
           "location": "location", "timezone": "time zone", "language": "language",
           "reg_hour": "registration hour", "active_hour": "posting hour"}


def _comparisons() -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    hour_diff = "least(abs({l} - {r}), 24 - abs({l} - {r}))"
    act = hour_diff.format(l="active_hour_l", r="active_hour_r")
    reg = hour_diff.format(l="reg_hour_l", r="reg_hour_r")
    return [
        cl.CustomComparison(output_column_name="username", comparison_levels=[
            cll.And(cll.NullLevel("username_lc"), cll.NullLevel("username_norm")),
            cll.ExactMatchLevel("username_lc"),
            cll.ExactMatchLevel("username_norm"),
            cll.JaroWinklerLevel("username_norm", 0.92),
            cll.ElseLevel()]),
        # The digits of equal user names are part of the name's agreement: counting them again would take
        # two persons called darkwolf84 for two independent coincidences (Fellegi–Sunter assumes independence).
        cl.CustomComparison(output_column_name="username_digits", comparison_levels=[
            cll.NullLevel("username_digits"),
            cll.CustomLevel("username_lc_l = username_lc_r", "same user name (its digits count there)")
            .configure(is_null_level=True),
            cll.ExactMatchLevel("username_digits"), cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="birth_date", comparison_levels=[
            cll.NullLevel("birth_date"), cll.ExactMatchLevel("birth_date"),
            cll.CustomLevel("substr(birth_date_l, 1, 4) = substr(birth_date_r, 1, 4)", "same birth year"),
            cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="location", comparison_levels=[
            cll.And(cll.NullLevel("location"), cll.NullLevel("location_country")),
            cll.ExactMatchLevel("location"), cll.ExactMatchLevel("location_country"), cll.ElseLevel()]),
        cl.ExactMatch("timezone"),
        cl.ExactMatch("language"),
        cl.CustomComparison(output_column_name="reg_hour", comparison_levels=[
            cll.NullLevel("reg_hour"), cll.CustomLevel(f"{reg} <= 1", "within an hour"), cll.ElseLevel()]),
        cl.CustomComparison(output_column_name="active_hour", comparison_levels=[
            cll.NullLevel("active_hour"), cll.CustomLevel(f"{act} <= 1", "within an hour"),
            cll.CustomLevel(f"{act} <= 3", "within three hours"), cll.ElseLevel()]),
    ]


# Pairs compared at all: equal on every column of one of these (Splink's prediction blocking rules).
BLOCKING_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("username_norm",), ("username_lc",), ("birth_date",), ("location", "timezone"), ("username_digits", "timezone"))


def _block_column(cols: tuple[str, ...]) -> str:
    """The flag column of a blocking rule on ``cols``: true where at most the cap of accounts share the key."""
    return "blk_" + "_".join(cols)


def _rule(cols: tuple[str, ...]) -> str:
    """Splink's rule (SQL) for ``cols``: equal on every column, and the key not shared by too many accounts.
    The compared columns stay in the rule, so EM knows which comparisons the block has used up."""
    flag = _block_column(cols)
    return " AND ".join([*(f"l.{c} = r.{c}" for c in cols), f"l.{flag}", f"r.{flag}"])


def _blocking() -> list[Any]:
    from splink.blocking_rule_library import CustomRule

    return [CustomRule(_rule(cols)) for cols in BLOCKING_COLUMNS]


def _rule_cap(con: duckdb.DuckDBPyConnection, cols: tuple[str, ...], cap: int, budget: int) -> int:
    """The largest key size (at most ``cap``) such that the rule's keys of that size or smaller propose at most
    ``budget`` pairs in all (``_features`` registered on ``con``); 1 when even the smallest keys propose more."""
    keyed = " AND ".join(f"{c} IS NOT NULL" for c in cols)
    row = con.execute(f"""
        WITH g AS (SELECT count(*) AS n FROM _features WHERE {keyed} GROUP BY {', '.join(cols)}),
             s AS (SELECT n, sum(count(*) * n * (n - 1) / 2) OVER (ORDER BY n) AS pairs FROM g GROUP BY n)
        SELECT max(n) FROM s WHERE n <= {int(cap)} AND pairs <= {int(budget)}""").fetchall()[0]
    return int(row[0]) if row[0] is not None else 1


def capped_blocks(con: duckdb.DuckDBPyConnection, features: pa.Table, cap: int,
                  budget: int) -> tuple[pa.Table, dict[str, int], dict[str, int]]:
    """``features`` with one flag column per blocking rule (of :data:`BLOCKING_COLUMNS` and :data:`EM_BLOCKS`):
    false for the accounts whose key (all the rule's columns) is shared by more accounts than the rule's cap —
    such a key proposes no pairs. A rule's cap is ``cap``, lowered so that the rule proposes at most ``budget``
    pairs (the smallest keys kept first). Returns the table (rows in ``unique_id`` order), per rule how many
    accounts with a key were left out of it, and per rule its cap."""
    rules = list(dict.fromkeys(BLOCKING_COLUMNS + EM_BLOCKS))
    con.register("_features", features)
    try:
        caps = {cols: _rule_cap(con, cols, cap, budget) for cols in rules}
        flags = ", ".join(f"count(*) OVER (PARTITION BY {', '.join(cols)}) <= {caps[cols]} AS {_block_column(cols)}"
                          for cols in rules)
        out = con.sql(f"SELECT *, {flags} FROM _features ORDER BY unique_id").to_arrow_table()
        left_out = ", ".join(f"count(*) FILTER (WHERE NOT {_block_column(c)} AND "
                             f"{' AND '.join(f'{x} IS NOT NULL' for x in c)})" for c in rules)
        con.register("_flagged", out)
        counts = con.execute(f"SELECT {left_out} FROM _flagged").fetchall()[0]
        con.unregister("_flagged")
    finally:
        con.unregister("_features")
    return (out, {_block_column(c): int(n) for c, n in zip(rules, counts, strict=True)},
            {_block_column(c): caps[c] for c in rules})


# m probabilities by EM on the pairs equal on each of these in turn (Splink trains every other comparison
# on each block).
EM_BLOCKS: tuple[tuple[str, ...], ...] = (("username_norm",), ("birth_date",))

M_FLOOR = 0.05   # no level is taken as (almost) impossible for a match: aliases lie about birth dates


def _regularised(model: dict[str, Any], floor: float) -> dict[str, Any]:
    """The trained model with every m probability kept within [floor, 1 - floor] (EM on small blocks
    otherwise makes one disagreeing attribute veto a pair) and u probabilities above zero."""
    for comp in model.get("comparisons", []):
        for level in comp.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is not None:
                level["m_probability"] = min(max(float(m), floor), 1 - floor)
            if u is not None:
                level["u_probability"] = min(max(float(u), 1e-6), 1 - 1e-6)
    return model


def _weights(model: dict[str, Any]) -> dict[str, float]:
    """Match weight (log2 m/u) per comparison level, for the record of the run."""
    out: dict[str, float] = {}
    for comp in model.get("comparisons", []):
        for level in comp.get("comparison_levels", []):
            m, u = level.get("m_probability"), level.get("u_probability")
            if m and u and not level.get("is_null_level"):
                name = f"{comp.get('output_column_name')}: {level.get('label_for_charts', level.get('sql_condition'))}"
                out[name] = round(math.log2(float(m) / float(u)), 2)
    return out


def _level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """gamma column -> comparison vector value -> level label (the first non-null level has the highest)."""
    out: dict[str, dict[int, str]] = {}
    for comp in model.get("comparisons", []):
        levels = [lv for lv in comp.get("comparison_levels", []) if not lv.get("is_null_level")]
        out["gamma_" + str(comp.get("output_column_name"))] = {
            len(levels) - 1 - i: str(lv.get("label_for_charts") or lv.get("sql_condition"))
            for i, lv in enumerate(levels)}
    return out


def attribute_evidence(n_accounts: int, features: pa.Table, cfg: IdentityConfig, prior_pairs: int,
                       store: duckdb.DuckDBPyConnection | None = None) -> tuple[list[Evidence], dict[str, Any]]:
    """Scored pairs at or above ``cfg.splink_weak``; ``prior_pairs`` (pairs already linked by selectors)
    sets the prior probability that two random accounts match. Splink's connection is bounded like ``store``
    (the analysis' connection) when given. Returns the evidence and a model summary."""
    info: dict[str, Any] = {"accounts": n_accounts}
    if n_accounts < cfg.splink_min_accounts or not cfg.splink:
        info["skipped"] = "disabled" if not cfg.splink else f"fewer than {cfg.splink_min_accounts} accounts"
        return [], info
    from splink import DuckDBAPI, Linker, SettingsCreator

    total_pairs = n_accounts * (n_accounts - 1) / 2
    prior = min(0.5, max(prior_pairs * 2, n_accounts / 10) / total_pairs)   # assume selectors find half
    info["prior"] = prior
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    sc = side_connection(store, "splink") if store is not None else duckdb.connect()
    try:
        sc.execute("SET enable_progress_bar = false")
        sc.execute("SET threads = 1")   # deterministic sums (EM, u estimation)
        features, capped, caps = capped_blocks(sc, features, cfg.splink_block_cap, cfg.splink_block_pairs)
        info["block_caps"] = caps
        info["left_out_of_blocks"] = {k: n for k, n in capped.items() if n}
        db = DuckDBAPI(connection=sc)
        sdf = db.register(features, dataset_display_name="accounts")
        settings = SettingsCreator(link_type="dedupe_only", comparisons=_comparisons(),
                                   blocking_rules_to_generate_predictions=_blocking(),
                                   probability_two_random_records_match=prior, retain_matching_columns=True,
                                   retain_intermediate_calculation_columns=True)
        linker = Linker(sdf, settings)
        linker.training.estimate_u_using_random_sampling(max_pairs=cfg.splink_u_pairs, seed=cfg.splink_seed)
        for rule in (_rule(cols) for cols in EM_BLOCKS):
            try:
                # no term-frequency adjustments are used, so EM on the counts of each comparison pattern
                # (Splink's shortcut) gives the same estimates as on every pair, in half the time
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True)
            except Exception as exc:  # too few blocked pairs to train on: keep the defaults
                info.setdefault("em_skipped", []).append(f"{rule}: {exc}".splitlines()[0][:200])
        model = _regularised(linker.misc.save_model_to_json(), M_FLOOR)
        info["weights"] = _weights(model)
        levels = _level_labels(model)
        if engine.active() == "spark":   # scoring the blocked pairs on Spark (docs/engine.md)
            from rescue.engine.linkage import predict_on_spark

            names, rows = predict_on_spark(features, model, settings, cfg.splink_weak)
        else:
            linker = Linker(sdf, model)
            pred = linker.inference.predict(threshold_match_probability=cfg.splink_weak, warning_mode="never")
            rel = pred.as_duckdbpyrelation()
            rows = rel.order("unique_id_l, unique_id_r").fetchall()
            names = rel.columns
        cols = [c for c in names if c.startswith("gamma_")]
    finally:
        if store is not None:
            release_side(store, sc)   # the store connection gets its share of the memory limit back
        else:
            sc.close()
    out: list[Evidence] = []
    for row in rows:
        r = dict(zip(names, row, strict=True))
        p = round(float(r["match_probability"]), 6)
        if math.isnan(p) or p < cfg.splink_weak:
            continue
        agree = [f"{_LABELS.get(c.removeprefix('gamma_'), c)} ({levels[c][int(r[c])]})" for c in cols
                 if r[c] is not None and int(r[c]) > 0 and int(r[c]) in levels.get(c, {})]
        detail = f"match weight {float(r['match_weight']):.1f}; agree: {', '.join(agree) or 'nothing'}"
        a, b = sorted((int(r["unique_id_l"]), int(r["unique_id_r"])))
        out.append(Evidence(a, b, "attributes", "attributes", "", detail, p,
                            "strong" if p >= cfg.splink_threshold else "weak"))
    info["pairs_scored"] = len(rows)
    return out, info
