"""The document model: exact text, offsets, tokens, sentences, normalisation, serialisation."""

from __future__ import annotations

import functools
import json
import pickle

import pytest
from hypothesis import given, settings, strategies as st

from kzmedia import Document, DocumentError, Finding


def test_tokens_carry_exact_offsets_and_lemmas():
    doc = Document.from_text("Казахстан подписал соглашение с Великобританией.")
    words = [t for t in doc.tokens if t.kind == "word"]
    assert [t.text for t in words] == ["Казахстан", "подписал", "соглашение", "с", "Великобританией"]
    for t in doc.tokens:
        assert doc.text[t.start:t.end] == t.text
    assert words[-1].lemma == "великобритания"
    assert "ablt" in words[-1].grammemes
    assert doc.words == 5


def test_multiword_inflection_lemmatises_each_word():
    doc = Document.from_text("Это похоже на мягкую аннексию.")
    lemmas = [t.lemma for t in doc.tokens if t.kind == "word"]
    assert lemmas[-2:] == ["мягкий", "аннексия"]


def test_hyphenated_compounds_and_abbreviations_stay_whole():
    doc = Document.from_text("Британско-казахстанское сближение, НАТО, ОДКБ; США/ЕС и северо-казахстанский.")
    surfaces = [t.text for t in doc.tokens]
    assert "Британско-казахстанское" in surfaces
    assert "северо-казахстанский" in surfaces
    for abbr in ("НАТО", "ОДКБ", "США", "ЕС"):
        assert abbr in surfaces
    assert doc.tokens[surfaces.index(",")].kind == "punct"


@pytest.mark.parametrize("variant", [
    "Kaзахстан",            # Latin K and a
    "Казахс\u00adтан",      # soft hyphen
    "Каза\u200bхстан",      # zero-width space inside the word
    "КАЗАХСТАН",
    "Каза\u0301хстан",      # stress mark
])
def test_normalisation_for_matching_never_moves_offsets(variant):
    text = f"Вчера {variant} объявил"
    doc = Document.from_text(text)
    tok = doc.tokens[1]
    assert tok.norm == "казахстан"
    assert tok.lemma == "казахстан"
    assert text[tok.start:tok.end] == variant


def test_yo_folds_to_ye_and_nbsp_separates_words():
    doc = Document.from_text("Ещё\u00a0всё решено")
    assert [t.norm for t in doc.tokens] == ["еще", "все", "решено"]
    assert doc.tokens[1].start == 4


def test_crlf_text_is_kept_exactly(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("Первый абзац.\r\nВторой абзац про Астану.\r\n".encode())
    doc = Document.from_file(path)
    assert doc.text == "Первый абзац.\r\nВторой абзац про Астану.\r\n"
    assert doc.id == str(path)
    assert [p.text(doc) for p in doc.paragraphs] == ["Первый абзац.", "Второй абзац про Астану."]
    astana = next(t for t in doc.tokens if "астана" in {t.lemma, *t.alt_lemmas})
    assert doc.text[astana.start:astana.end] == "Астану"


def test_non_utf8_file_names_file_and_byte_offset(tmp_path):
    path = tmp_path / "cp1251.txt"
    path.write_bytes("Казахстан".encode("cp1251"))
    with pytest.raises(DocumentError) as err:
        Document.from_file(path)
    msg = str(err.value)
    assert str(path) in msg and "byte offset 0" in msg
    assert Document.from_file(path, encoding="cp1251").text == "Казахстан"


def test_huge_file_is_refused_clearly(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("слово " * 2000, encoding="utf-8")
    with pytest.raises(DocumentError, match="limit"):
        Document.from_file(path, max_chars=1000)


def test_sentences_respect_abbreviations_initials_and_lines():
    text = ("В 2022 г. Н. Назарбаев ушёл с поста. Что дальше? Военная угроза? Больше нет!\n"
            "Новый абзац без точки")
    doc = Document.from_text(text)
    sents = [s.text(doc) for s in doc.sentences]
    assert sents == ["В 2022 г. Н. Назарбаев ушёл с поста.", "Что дальше?", "Военная угроза?",
                     "Больше нет!", "Новый абзац без точки"]
    assert len(doc.paragraphs) == 2


def test_from_dict_takes_content_and_metadata():
    record = {"url": "https://example.kz/a", "title": "Заголовок", "content": "Текст про Астану.",
              "date": "2024-05-01", "outlet": "example"}
    doc = Document.from_dict(record)
    assert doc.text == "Текст про Астану."
    assert doc.id == "https://example.kz/a"
    assert doc.meta["title"] == "Заголовок" and doc.meta["outlet"] == "example"
    with pytest.raises(DocumentError, match="'text'"):
        Document.from_dict({"body": "x"})


def test_document_round_trips_through_json_and_pickle():
    doc = Document.from_text("Астана и Ташкент.", id="d1", outlet="x", date="2025-01-02")
    doc.tokens  # populate caches; they must not leak into equality or pickles
    again = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert again == doc and again.meta == doc.meta
    clone = pickle.loads(pickle.dumps(doc))
    assert clone == doc and "tokens" not in clone._cache


def test_finding_round_trip_and_invariant():
    doc = Document.from_text("Тот период завершён.")
    f = doc.finding("rhetoric", "Slogans", 0, 19, score=0.7, device="categorical_closure")
    assert f.text == "Тот период завершён"
    assert Finding.from_dict(json.loads(json.dumps(f.to_dict()))) == f
    with pytest.raises(ValueError):
        Finding("x", "y", 3, 3, "")
    with pytest.raises(ValueError):
        Finding("x", "y", 0, 4, "abc")
    with pytest.raises(ValueError):
        doc.finding("x", "y", 5, 500)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_every_token_and_sentence_is_an_exact_span_of_arbitrary_unicode(text):
    doc = Document.from_text(text)
    tokens = doc.tokens
    prev_end = 0
    for i in range(len(tokens)):
        start, end = tokens.starts[i], tokens.ends[i]
        assert prev_end <= start < end <= len(text)
        prev_end = end
        f = doc.finding("t", "token", start, end)
        assert text[f.start:f.end] == f.text
    for seg in doc.sentences + doc.paragraphs:
        assert 0 <= seg.start < seg.end <= len(text)
        assert seg.text(doc).strip()


@functools.cache
def _russian_lemmatizer():
    from kzmedia.morphology import PymorphyLemmatizer

    return PymorphyLemmatizer("ru")


# Cyrillic and Latin look-alikes, ё, Greek final sigma, dotted İ, stress and invisible marks:
# everything where folding many tokens at once could differ from folding each alone
_FOLD_ALPHABET = st.sampled_from(list("аАеЕёЁкКоОaAeEkKoOxXσΣςİi-‐–'’\u0301\u00ad\u200bß1"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.lists(st.text(_FOLD_ALPHABET, min_size=1, max_size=6), max_size=30))
def test_tokenising_in_bulk_folds_every_token_as_folding_it_alone(text, words):
    from kzmedia.morphology import Morphology
    from kzmedia.text import TOKEN_RE, fold, fold_many

    surfaces = TOKEN_RE.findall(text + " " + " ".join(words))
    assert fold_many(surfaces) == [fold(s) for s in surfaces]
    fresh = Morphology(_russian_lemmatizer())  # empty caches: every form goes the bulk way
    starts, ends, infos = fresh.tokenize(text)
    assert [text[a:b] for a, b in zip(starts, ends)] == TOKEN_RE.findall(text)
    assert [i[0] for i in infos] == [fold(text[a:b]) for a, b in zip(starts, ends)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from("в Казахстане и в России , . не нет мягкая аннексия".split()), max_size=60),
       st.lists(st.sets(st.sampled_from("в и , . не нет россии мягкая лондон".split())), max_size=6))
def test_token_positions_are_every_token_of_the_asked_forms_in_text_order(words, asked):
    tokens = Document.from_text(" ".join(words)).tokens
    for norms in asked:  # several questions to one document: the later ones use its index
        want = [i for i in range(len(tokens)) if tokens.norm(i) in norms]
        got = tokens.positions(norms)
        assert got == want
        got.append(-1)  # the caller's list is its own
        assert tokens.positions(norms) == want


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.data())
def test_findings_built_from_documents_satisfy_the_invariant(text, data):
    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    doc = Document.from_text(text)
    f = doc.finding("t", "span", start, end)
    assert 0 <= f.start < f.end <= len(text) and text[f.start:f.end] == f.text
    assert Finding.from_dict(f.to_dict()) == f


def test_sentence_at_finds_the_covering_sentence_or_none():
    doc = Document.from_text("Первое предложение. Второе здесь.  Третье")
    assert doc.sentence_at(5).text(doc) == "Первое предложение."
    assert doc.sentence_at(20).text(doc) == "Второе здесь."
    assert doc.sentence_at(19) is None  # the space between two sentences
    assert doc.sentence_at(36).text(doc) == "Третье"
    assert doc.sentence_at(100) is None
