"""Writing style: which accounts write alike (a candidate generator and weak evidence, never a merge alone).

Each account with at least ``style_min_chars`` characters of its own text (posts and private messages,
quotes removed) gets a profile:

- character 3-grams of the text with **topic words masked** (text distortion, Stamatatos 2017): words
  outside the ``style_words`` most frequent of the corpus become ``*`` per letter and ``#`` per digit, so
  what remains is function words, their misspellings and short forms, punctuation, case, emoticons and
  line breaks — not the subject talked about;
- function-word use and the first and last line of each text (greetings, sign-offs);
- TF-IDF weighted (sublinear), L2-normalised, centred on the corpus mean (so a shared language does not
  look like a shared author) and normalised again.

Cosine similarity is computed between all profiled accounts; each account ranks the others. A pair is a
candidate when, in both directions (Doppelgänger Finder), each account is among the other's
``style_top_k`` most similar and the cosine reaches ``style_min_score``; it is weak evidence (merges only
together with another method) when each is the other's most similar and the cosine reaches ``style_weak``.
"""

from __future__ import annotations

import re
from collections import Counter

import duckdb
import numpy as np
import numpy.typing as npt

from rescue.identity.config import IdentityConfig
from rescue.identity.model import TEMP, Evidence

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"[ \t]+")
_SPLIT = re.compile(r"(\w+)")
_WORD_SAMPLE = 4000


def own_texts(con: duckdb.DuckDBPyConnection, min_chars: int, max_chars: int = 1 << 62
              ) -> list[tuple[int, list[str]]]:
    """(account index, texts in time order, up to about ``max_chars``) for accounts with at least
    ``min_chars`` of own text."""
    # The cut at ``max_chars`` is made inside DuckDB (a running sum of the lengths before each text), so
    # only the texts that are read reach Python: a text is kept while the texts before it are shorter
    # than ``max_chars`` in total (the one that crosses the limit is kept whole).
    rows = con.execute(f"""
        WITH t AS (SELECT a.idx, p.body_text AS body, p.posted_at AS ts, p.post_id AS rid FROM posts p
                   JOIN {TEMP} a USING (source_id, account_id) WHERE p.body_text IS NOT NULL
                   UNION ALL
                   SELECT a.idx, m.body_text, m.sent_at, m.message_id FROM messages m
                   JOIN {TEMP} a ON a.source_id = m.source_id AND a.account_id = m.sender_account_id
                   WHERE m.body_text IS NOT NULL),
        c AS (SELECT idx, body, ts, rid, sum(length(body)) OVER (PARTITION BY idx) AS total,
                     coalesce(sum(length(body)) OVER (PARTITION BY idx ORDER BY ts, rid
                                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
              FROM t)
        SELECT idx, list(body ORDER BY ts, rid) FROM c WHERE total >= ? AND before < ?
        GROUP BY idx ORDER BY idx
    """, [min_chars, min(max_chars, 1 << 62)]).fetchall()
    return [(int(i), [str(b) for b in bodies]) for i, bodies in rows]


def _account_features(texts: list[str], keep: set[str], names: dict[str, int], memo: dict[str, str]
                      ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Feature ids and counts of one account: character 3-grams of the masked text (id = the three code
    points packed in 63 bits, >= 0) and named features (negative ids from ``names``)."""
    def mask(w: str) -> str:
        out = w if w.lower() in keep else "".join("#" if c.isdigit() else "*" for c in w)
        memo[w] = out
        return out

    keys: list[str] = []
    for body in texts:
        first = body.lstrip().split("\n", 1)[0].strip()
        if first:
            keys.append("first:" + first[:20].lower())
            keys.append("last:" + body.rstrip().rsplit("\n", 1)[-1].strip()[-20:].lower())
        keys.append(f"paragraphs:{min(body.count(chr(10) + chr(10)), 3)}")
    parts = _SPLIT.split("\x02" + "\x03\x02".join(texts) + "\x03")
    words = parts[1::2]
    masked = [memo.get(w) or mask(w) for w in words]
    keys += ["w:" + w.lower() for w, m in zip(words, masked, strict=True) if m == w]   # kept words only
    parts[1::2] = masked
    named = Counter(keys)
    text = _SPACE.sub(" ", "".join(parts))
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    grams = (cp[:-2] << 42) | (cp[1:-1] << 21) | cp[2:]
    ids, counts = np.unique(grams, return_counts=True)
    extra = sorted(named.items())
    name_ids = np.array([-1 - names.setdefault(k, len(names)) for k, _ in extra], dtype=np.int64)
    return (np.concatenate([name_ids, ids]),
            np.concatenate([np.array([n for _, n in extra], dtype=np.int64), counts.astype(np.int64)]))


class Profiles:
    """TF-IDF profiles over the ``n_features`` features found in most accounts (the most frequent
    character n-grams, the usual stylometric choice): dense rows, L2-normalised, centred on the mean and
    normalised again, so that cosine similarity is a matrix product (BLAS), computed blockwise."""

    def __init__(self, docs: list[list[str]], n_words: int, n_features: int) -> None:
        words: Counter[str] = Counter()   # the corpus's most frequent words, counted on each account's start
        for texts in docs:
            words.update(map(str.lower, _WORD.findall("\n".join(texts)[:_WORD_SAMPLE])))
        keep = {w for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:n_words]}
        names: dict[str, int] = {}
        memo: dict[str, str] = {}
        per = [_account_features(texts, keep, names, memo) for texts in docs]
        # document frequency of every feature id from one flat array of ids (each account's ids are unique);
        # the full account × vocabulary matrix is never built: only the chosen columns are filled in.
        all_ids = np.concatenate([ids for ids, _ in per]) if per else np.zeros(0, np.int64)
        vocab, df = np.unique(all_ids, return_counts=True)
        del all_ids
        order = np.lexsort((np.arange(len(df)), -df))            # most frequent first, ties by id
        chosen = np.sort(order[:n_features][df[order[:n_features]] >= 2])
        keep_ids = vocab[chosen]
        idf = (np.log((1 + len(per)) / (1 + df[chosen])) + 1.0).astype(np.float32)
        del vocab, df, order
        z = np.zeros((len(per), len(chosen)), dtype=np.float32)   # profiles × features × 4 B
        for r, (ids, counts) in enumerate(per):
            pos = np.searchsorted(keep_ids, ids)
            hit = pos < len(keep_ids)
            hit[hit] = keep_ids[pos[hit]] == ids[hit]
            z[r, pos[hit]] = (1.0 + np.log(counts[hit].astype(np.float64))).astype(np.float32)
        del per
        z *= idf
        z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        z -= z.mean(axis=0, keepdims=True)
        z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        self.z = z

    def __len__(self) -> int:
        return int(self.z.shape[0])

    def cosine(self, start: int, stop: int) -> npt.NDArray[np.float32]:
        """Cosine similarities of the centred rows ``start:stop`` against all rows."""
        out: npt.NDArray[np.float32] = self.z[start:stop] @ self.z.T
        return out


def style_evidence(con: duckdb.DuckDBPyConnection, cfg: IdentityConfig) -> tuple[list[Evidence], int]:
    """Candidate pairs by writing style, and the number of accounts with enough text to compare."""
    if not cfg.style:
        return [], 0
    texts = own_texts(con, cfg.style_min_chars, cfg.style_max_chars)
    if len(texts) < 3:
        return [], len(texts)
    ids = [i for i, _ in texts]
    prof = Profiles([t for _, t in texts], cfg.style_words, cfg.style_features)
    k = min(cfg.style_top_k, len(ids) - 1)
    best: dict[tuple[int, int], tuple[float, int, int]] = {}   # pair -> (score, rank from a, rank from b)
    chunk = max(1, 20_000_000 // len(ids))
    for start in range(0, len(ids), chunk):
        sims = prof.cosine(start, min(start + chunk, len(ids)))
        rows = np.arange(sims.shape[0])
        sims[rows, rows + start] = -np.inf
        cand = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < len(ids) else np.argsort(-sims, axis=1)[:, :k]
        for off in rows:
            i = start + int(off)
            scores = sims[off, cand[off]]
            for r, pos in enumerate(np.lexsort((cand[off], -scores))):
                j, sc = int(cand[off][pos]), float(scores[pos])
                if sc < cfg.style_min_score:
                    break
                a, b = (ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i])
                _, ra, rb = best.get((a, b), (sc, 0, 0))
                ra, rb = (r + 1, rb) if ids[i] == a else (ra, r + 1)
                best[(a, b)] = (round(sc, 4), ra, rb)
    out: list[Evidence] = []
    for (a, b), (s, ra, rb) in sorted(best.items()):
        if not (ra and rb):
            continue   # proposed from one side only
        strength = "weak" if s >= cfg.style_weak and ra == rb == 1 else "candidate"
        detail = f"cosine {s:.3f}; rank {ra} of a's most similar accounts, {rb} of b's"
        out.append(Evidence(a, b, "style", "writing style", "", detail, s, strength))
    return out, len(ids)
