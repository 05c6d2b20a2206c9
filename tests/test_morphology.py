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


def test_a_pipeline_tokenises_with_the_lemmatizers_of_its_own_plugin_manager():
    from kzmedia.testing import hook_plugin, make_pipeline

    class Upper:
        language, name, version = "qq", "upper", "1"

        def parse(self, word):
            return word.upper(), "X", None

    # known to this pipeline only: not installed, not in the process's default manager
    qq_plugin = hook_plugin(kzmedia_register_lemmatizers=lambda register: register("qq", Upper))

    class Lemmas:
        name, version = "lemmas", "1"

        def analyze(self, document):
            return {"lemmas": [t.lemma for t in document.tokens]}

    analysis = make_pipeline(qq_plugin, Lemmas()).analyze(Document.from_text("абв где", language="qq"))
    assert analysis.result("lemmas")["lemmas"] == ["АБВ", "ГДЕ"]


def test_unknown_language_falls_back_to_folded_forms():
    doc = Document.from_text("Қазақстан Республикасы", language="kk-test")
    assert [t.lemma for t in doc.tokens] == ["қазақстан", "республикасы"]


def _every_word_form(texts) -> list[str]:
    from kzmedia.text import TOKEN_RE, WORD, fold, kind_of

    return sorted({f for t in texts for f in map(fold, TOKEN_RE.findall(t)) if kind_of(f) == WORD})


def _full_parse(lemmatizer, word: str):
    """What ``parse_all`` answers from pymorphy3's own ``parse`` (the dictionary shortcut off)."""
    lookup, lemmatizer._lookup = lemmatizer._lookup, None
    try:
        return lemmatizer.parse_all(word)
    finally:
        lemmatizer._lookup = lookup


def _assert_shortcut_agrees(lemmatizer, words) -> int:
    assert lemmatizer._lookup is not None, "pymorphy3's Russian analyzer should take the dictionary shortcut"
    known = 0
    for w in words:
        fast = lemmatizer._lookup(w)
        if fast is not None:
            known += 1
            assert fast == _full_parse(lemmatizer, w), w
    return known


def test_dictionary_shortcut_answers_exactly_as_pymorphy3_parse():
    from pathlib import Path

    from kzmedia.morphology import PymorphyLemmatizer

    lemmatizer = PymorphyLemmatizer("ru")
    examples = Path(__file__).resolve().parents[1] / "examples"
    words = _every_word_form(p.read_text(encoding="utf-8") for p in sorted(examples.glob("*.txt")))
    # every inflection of some ambiguous and ё-words: the ranking by P(tag|word) must agree too
    for lemma in ("стать", "сталь", "ещё", "её", "мягкий", "аннексия", "великобритания", "течь", "мочь"):
        words += [p.word for p in lemmatizer.analyzer.parse(lemma)[0].lexeme]
    words += ["covid", "pdf", "xiv", "mi", "i", "nan", "inf", "infinity", "e"]  # Latin, Roman, "numbers"
    known = _assert_shortcut_agrees(lemmatizer, words)
    assert known > 300
    assert lemmatizer._lookup("covid") == ("covid", None, "LATN", None)
    assert lemmatizer._lookup("xiv") is None and lemmatizer._lookup("nan") is None
    assert lemmatizer._lookup("кзмедиабубубу") is None  # not in the dictionary: pymorphy3 guesses
    assert lemmatizer.parse_all("еще")[0] == "еще" and lemmatizer.parse_all("стали")[3] == ("сталь",)


def test_dictionary_shortcut_agrees_on_a_real_news_corpus(shared_dir):
    import json

    from kzmedia.morphology import PymorphyLemmatizer

    path = shared_dir / "external" / "ru-news-kz" / "articles.jsonl"
    with open(path, encoding="utf-8") as fh:
        texts = [json.loads(line)["content"] for _, line in zip(range(60), fh)]
    words = _every_word_form(texts)
    assert _assert_shortcut_agrees(PymorphyLemmatizer("ru"), words) > 10_000
    assert sum(w.isascii() and w.isalpha() for w in words) > 100  # Latin words were among them


def test_a_cached_word_form_keeps_one_string_for_its_key_form_and_lemma():
    """The word-form cache is bounded by count, so its memory is per form: a form written as its
    folded form is keyed by the info's own string, and a form that is its own lemma shares it."""
    from kzmedia.morphology import LEMMA, NORM, get_morphology

    morphology = get_morphology("ru")
    Document.from_text("Засуха: пшеница и ячмень, подсолнечник").tokens  # noqa: B018
    for word in ("пшеница", "ячмень", "подсолнечник"):
        key = next(k for k in morphology._cache if k == word)
        info = morphology._cache[key]
        assert key is info[NORM] and info[LEMMA] is info[NORM], word
    засуха = morphology._cache["Засуха"]  # a capitalised surface is its own key
    assert засуха[NORM] == засуха[LEMMA] == "засуха"
