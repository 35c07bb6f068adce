"""The finders' cheap pre-filters and the per-text memo change what is searched, never what is found: the
result equals every finder run over every text, in the same order."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescue.analyse.extraction import _find, selectors_from_batch
from rescue.analyse.find import (
    Found,
    _may_be_labelled,
    _triggered,
    find_all,
)
from rescue.analyse.find.base import Spans
from rescue.analyse.find.emails import find_emails
from rescue.analyse.find.messengers import LABEL, find_labelled, find_self_evident
from rescue.analyse.find.phones import find_phones
from rescue.analyse.find.web import find_crypto, find_domains, find_ips, find_urls


def unfiltered(text: str, hints: Sequence[str] = ()) -> list[Found]:
    """find_all as it was before the pre-filters: every finder over every triggered text."""
    if not text or not _triggered(text):
        return []
    taken = Spans()
    found: list[Found] = []
    found += find_crypto(text, taken)
    found += find_self_evident(text, taken)
    found += find_urls(text, taken)
    found += find_emails(text, taken)
    found += find_labelled(text, hints, taken)
    found += find_ips(text, taken)
    found += find_phones(text, hints, taken)
    found += find_domains(text, taken)
    found.sort(key=lambda f: (f.start, f.kind, f.value))
    return found


TEXTS = [
    "mail me: anna.schmidt85 at web dot de or +49 30 12345678, skype: anna_s85",
    "BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 or bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq, "
    "eth 0x52908400098527886E0F7030069857D2E4169EE7",
    "see https://files.example.net/a?b=1 and www.example.org, t . me / someone_here, live:anna.s",
    "session 05 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "matrix @anna:matrix.example.org and 192.168[.]1[.]1 and fe80::1:2:3 example[.]com",
    "ICQ is 123-456-789, Threema: ABCD1234, wire: +44 7911 123456, Signal: 0176 1234 5678",
    "ſkype: anna_s",  # long s: folds to "s" under re.IGNORECASE, not under str.lower()
    "\u212aik: anna_s",  # Kelvin sign: folds to "k"
    "SKYPE: ANNA, TELEGRAM: @anna_s, KIK: anna, DISCORD: anna#1234, SNAP: anna.s",
    "I was at home. Today was nice, look at example.com for more",
    "ordinary text without anything of interest.",
    "reach me at bob [at] example [dot] co [dot] uk ok",
]


@pytest.mark.parametrize("text", TEXTS)
def test_prefilters_change_nothing(text: str) -> None:
    for hints in ((), ("DE",), ("GB", "DE")):
        assert find_all(text, hints) == unfiltered(text, hints)


def test_label_prefilter_is_never_narrower_than_the_label() -> None:
    for text in TEXTS:
        if LABEL.search(text):
            assert _may_be_labelled(text), text


_ALPHABET = st.sampled_from([*"abcdeklmnoprstwxyz0123456789 .:@/[](){}<>+-_#",
                             "at", "dot", "skype", "kik", "live:", "t.me/", "www.", "://", "05", "ſ", "\u212a", "bc1",
                             "\n", "com", "de", "icq ", "signal: ", "0x"])


@settings(max_examples=250, deadline=None)
@given(st.lists(_ALPHABET, min_size=1, max_size=60).map("".join))
def test_prefilters_change_nothing_generated(text: str) -> None:
    assert find_all(text, ("DE",)) == unfiltered(text, ("DE",))


def test_batch_memo_gives_each_row_its_own_selectors() -> None:
    _find.cache_clear()
    texts = ["skype: anna_s", "skype: anna_s", "call 030 1234567", "call 030 1234567", "nothing"]
    hints = ["DE", "DE", "DE", "GB", None]
    n = len(texts)
    batch = pa.RecordBatch.from_pydict({
        "origin": ["posts"] * n, "origin_id": [str(i) for i in range(n)], "field": ["body_text"] * n,
        "source_id": ["s"] * n, "account_id": [f"a{i}" for i in range(n)], "in_quote": [False] * n,
        "credited_by": ["author"] * n, "text": texts, "prov_table": ["posts"] * n, "prov_key": ["k"] * n,
        "prov_offset": [0] * n, "prov_line": [1] * n, "hints": hints})
    out = selectors_from_batch(batch).to_pydict()
    rows = list(zip(out["origin_id"], out["kind"], out["value"], out["detail"], strict=True))
    expect = [(str(i), f.kind, f.value, f.detail) for i, t in enumerate(texts)
              for f in unfiltered(t, [hints[i]] if hints[i] else [])]
    assert rows == expect
    assert ("0", "skype", "anna_s", None) in rows and ("1", "skype", "anna_s", None) in rows
    # the same text with another hint is searched again: a national number resolves per region
    assert [r for r in rows if r[0] == "2"] != [r for r in rows if r[0] == "3"]
    assert _find.cache_info().hits == 1
