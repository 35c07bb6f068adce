"""Splink's prediction on the Spark backend (``splink.backends.spark.SparkAPI``), with the model trained on DuckDB.

Training (u by random sampling, m by EM on blocked pairs) works on samples and runs single-threaded on
DuckDB so that it is deterministic (identity resolution, :mod:`rescue.identity.attributes`). Scoring every
blocked pair is what grows with the seizure: with the Spark engine it runs on Spark. The comparisons are
built again for Spark's dialect (Splink's level library emits Spark SQL and uses the Jaro–Winkler function
of the jar Splink ships, registered by :func:`rescue.engine.spark.session`), and the trained m and u
probabilities and the prior are copied onto them level by level.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import pyarrow as pa

from rescue.engine.spark import session

_RUNS = 0


def _copy_parameters(trained: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(target)
    out["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    for comp_t, comp_o in zip(trained["comparisons"], out["comparisons"], strict=True):
        levels_t, levels_o = comp_t["comparison_levels"], comp_o["comparison_levels"]
        if len(levels_t) != len(levels_o):
            raise ValueError(f"comparison {comp_t.get('output_column_name')}: levels differ between dialects")
        for lt, lo in zip(levels_t, levels_o, strict=True):
            for k in ("m_probability", "u_probability"):
                if k in lt:
                    lo[k] = lt[k]
                else:
                    lo.pop(k, None)
    return out


def predict_on_spark(features: pa.Table, trained: dict[str, Any], settings: Any,
                     threshold: float) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Score the blocked pairs of ``features`` with the ``trained`` model (JSON from a DuckDB linker built from
    ``settings``, a Splink ``SettingsCreator``) on Spark; the columns and the rows at or above ``threshold``,
    ordered by ``unique_id_l, unique_id_r``."""
    from splink import Linker
    from splink.backends.spark import SparkAPI

    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    db = SparkAPI(spark_session=session(), break_lineage_method="persist",  # type: ignore[no-untyped-call]
                  num_partitions_on_repartition=4)
    global _RUNS
    _RUNS += 1   # Splink registers its tables in the shared session: a fresh name per run
    sdf = db.register(features, table_name=f"rescue_linkage_accounts_{_RUNS}", dataset_display_name="accounts")
    blank = Linker(sdf, copy.deepcopy(settings)).misc.save_model_to_json()
    linker = Linker(sdf, _copy_parameters(trained, blank))
    pred = linker.inference.predict(threshold_match_probability=threshold)
    table: pa.Table = pred.as_spark_dataframe().toArrow()
    table = table.sort_by([("unique_id_l", "ascending"), ("unique_id_r", "ascending")])
    names = table.column_names
    rows = list(zip(*(table.column(n).to_pylist() for n in names), strict=True))
    return names, rows
