"""Tests of the sanctions analyzer, written the way any plugin author would: with kzmedia.testing.

Run them with ``python -m pytest docs/examples/kzmedia-sanctions/tests``.
"""

import pytest

import kzmedia_sanctions
from kzmedia import KzmediaError
from kzmedia.testing import assert_valid_findings, make_pipeline, marked_document


@pytest.fixture(scope="module")
def pipeline():
    # only this plugin (plus the core's lemmatizer): other installed analyzers cannot interfere
    return make_pipeline(kzmedia_sanctions)


def labels(result):
    return [(f["label"], f["text"]) for f in result["findings"]]


def test_every_inflection_is_found_with_its_span(pipeline):
    doc, spans = marked_document(
        "Брюссель готовит очередной [[пакет санкций]]. После [[санкций]] против банков "
        "торговля упала, но [[санкционное]] давление не остановило поставки.")
    analysis = pipeline.analyze(doc)
    findings = assert_valid_findings(doc, analysis)
    assert [(f.start, f.end) for f in findings] == spans
    assert analysis.result("sanctions")["by_category"] == {"measures": 3}


def test_categories_and_longest_match(pipeline):
    doc, spans = marked_document(
        "Казахстанские банки боятся [[вторичных санкций]], а посредники помогают "
        "[[обходить американские санкции]] через [[реэкспорт]].")
    result = pipeline.analyze(doc).result("sanctions")
    assert labels(result) == [("exposure", "вторичных санкций"),
                              ("evasion", "обходить американские санкции"),
                              ("evasion", "реэкспорт")]
    assert [(f["start"], f["end"]) for f in result["findings"]] == spans
    assert result["mentions"] == 3
    assert result["per_1000_words"] == round(1000 * 3 / doc.words, 2)


def test_abbreviations_are_case_sensitive(pipeline):
    doc, spans = marked_document("Компания попала в список [[SDN]], который ведёт [[OFAC]]; sdn тут ни при чём.")
    findings = assert_valid_findings(doc, pipeline.analyze(doc))
    assert [(f.start, f.end) for f in findings] == spans


def test_sanction_as_authorisation_is_not_a_mention(pipeline):
    doc, _ = marked_document("Суд санкционировал арест, прокурор дал санкционирование обыска.")
    result = pipeline.analyze(doc).result("sanctions")
    assert result["mentions"] == 0 and result["findings"] == []


def test_negated_mentions_are_reported_but_not_counted(pipeline):
    doc, _ = marked_document("Компания не попала под санкции. Банк попал под санкции.")
    result = pipeline.analyze(doc).result("sanctions")
    assert [(f["text"], f["negated"], f["counted"]) for f in result["findings"]] == [
        ("попала под санкции", True, False), ("попал под санкции", False, True)]
    assert result["mentions"] == 1


def test_options_are_validated_and_applied():
    counted = make_pipeline(kzmedia_sanctions, config={"sanctions": {"count_negated": True}})
    doc, _ = marked_document("Компания не попала под санкции.")
    assert counted.analyze(doc).result("sanctions")["mentions"] == 1
    with pytest.raises(KzmediaError, match="unknown option 'count_negatd'"):
        make_pipeline(kzmedia_sanctions, config={"sanctions": {"count_negatd": True}})


def test_a_user_lexicon_extends_the_analyzer(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text('[lexicon]\nname = "mine"\nversion = "1"\n'
                     '[categories.measures]\nterms = ["стоп-лист"]\n', encoding="utf-8")
    pipeline = make_pipeline(kzmedia_sanctions, extra_lexicons={"sanctions": [extra]})
    doc, spans = marked_document("Фирму внесли в [[стоп-лист]] и ввели [[санкции]].")
    result = pipeline.analyze(doc).result("sanctions")
    assert [(f["start"], f["end"]) for f in result["findings"]] == spans
    assert result["lexicons"] == {"sanctions": kzmedia_sanctions.__version__, "mine": "1"}


def test_fixtures_from_the_kzmedia_pytest_plugin(kzmedia_pipeline, kzmedia_document):
    doc = kzmedia_document("Эмбарго на поставки нефти продлили.")
    analysis = kzmedia_pipeline(kzmedia_sanctions).analyze(doc)
    assert [f.text for f in assert_valid_findings(doc, analysis)] == ["Эмбарго"]


def test_a_text_without_mentions(pipeline):
    result = pipeline.analyze(marked_document("Погода в Астане была солнечной.")[0]).result("sanctions")
    assert result == {**result, "mentions": 0, "by_category": {}, "findings": []}
