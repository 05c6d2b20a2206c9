"""Morphology: one lazily-built lemmatizer per process, working under fork and spawn."""

from __future__ import annotations

import multiprocessing as mp

import pytest

from kzmedia import Document
from kzmedia.morphology import Morphology, get_morphology, register_lemmatizer


def lemmas_of(text: str) -> list[str]:
    return [t.lemma for t in Document.from_text(text).tokens if t.kind == "word"]


def word_count(doc: Document) -> int:
    return doc.words


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_lemmatisation_in_worker_processes(method):
    if method not in mp.get_all_start_methods():
        pytest.skip(f"start method {method} not available here")
    ctx = mp.get_context(method)
    text = "Великобританией и Казахстаном подписаны соглашения"
    with ctx.Pool(1) as pool:
        assert pool.apply(lemmas_of, (text,)) == lemmas_of(text)
        # a Document crosses the boundary as plain data and re-tokenises on the other side
        doc = Document.from_text(text, id="x")
        assert pool.apply(word_count, (doc,)) == 5


def test_word_form_cache_serves_repeated_forms_without_reparsing():
    calls = []

    class Counting:
        language, name, version = "xx", "counting", "1"

        def parse(self, word):
            calls.append(word)
            return word.upper(), None, None

    morph = Morphology(Counting())
    morph.tokenize("альфа бета альфа Альфа бета")
    assert sorted(calls) == ["альфа", "бета"]  # "Альфа" shares the parse of "альфа"


def test_a_registered_lemmatizer_serves_its_language():
    class Reverse:
        language, name, version = "zz", "reverse", "1"

        def parse(self, word):
            return word[::-1], "X", None

    register_lemmatizer("zz", Reverse)
    doc = Document.from_text("абв где", language="zz")
    assert [t.lemma for t in doc.tokens] == ["вба", "едг"]
    assert get_morphology("zz").lemmatizer.name == "reverse"


def test_unknown_language_falls_back_to_folded_forms():
    doc = Document.from_text("Қазақстан Республикасы", language="kk-test")
    assert [t.lemma for t in doc.tokens] == ["қазақстан", "республикасы"]
