"""Language detection on account texts (rescue.analyse.language): the batch function the child process runs."""

from __future__ import annotations

import pyarrow as pa

from rescue.analyse.config import AnalyseConfig
from rescue.analyse.language import SCHEMA, languages_from_batch

TEXTS = {
    "de": "Wir haben am Wochenende den Garten umgegraben und neue Tomaten gepflanzt. Das Wetter war schön, "
          "nur am Sonntag hat es kurz geregnet. Nächste Woche wollen wir noch die Hecke schneiden.",
    "fr": "Nous avons passé le week-end au jardin pour planter des tomates et des salades. Il a fait beau, "
          "sauf dimanche après-midi quand il a plu un peu. La semaine prochaine nous taillerons la haie.",
    "en": "We spent the weekend in the garden planting tomatoes and some lettuce. The weather was fine, "
          "except on Sunday afternoon when it rained for a while. Next week we will trim the hedge.",
    # mostly digits and punctuation: shorter than 120 letters once cleaned, still found (trigrams only)
    "nl": "Bestelling 2023-0456-7781 / 12.99 EUR / 3x 4,50 -- we hebben het pakket gisteren ontvangen, "
          "alles was heel en goed ingepakt. 555-0199 / 0031-20-1234567 / ##### 2024 ##### 88 77 66",
}


def _batch(texts: dict[str, str]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist([{"source_id": "s1", "account_id": k, "text": t} for k, t in texts.items()])


def test_languages_of_everyday_texts() -> None:
    out = languages_from_batch(_batch(TEXTS), AnalyseConfig().language_min_confidence)
    assert out.schema == SCHEMA
    got = {a: lang for a, lang in zip(out.column("account_id").to_pylist(), out.column("language").to_pylist(),
                                      strict=True)}
    assert got == {k: k for k in TEXTS}
    assert all(0.5 <= c <= 1.0 for c in out.column("confidence").to_pylist())
    assert out.column("chars").to_pylist() == [len(t) for t in TEXTS.values()]


def test_min_confidence_drops_uncertain_texts() -> None:
    mixed = {"x": TEXTS["de"][:60] + " " + TEXTS["fr"][:60] + " " + TEXTS["en"][:60]}
    assert languages_from_batch(_batch(mixed), 1.01).num_rows == 0
    assert languages_from_batch(_batch({}), 0.5).num_rows == 0

