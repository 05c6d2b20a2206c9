"""Framing counts what the text asserts: stance of evidence, names, idioms, context, gold seeds.

Texts are written for these tests (not taken from any corpus), except the gold check, which reads
the shared seed articles from ../shared and skips when they are absent.
"""

from __future__ import annotations

from kzmedia.compat import tomllib
from pathlib import Path

import pytest

import kzmedia
from kzmedia_framing import FramingAnalyzer

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

ASSERTED_MV = ("Казахстан проводит многовекторную внешнюю политику и держит баланс интересов "
               "между соседями. Многовекторность остаётся основой курса.")
# each: the same frame brought up only to be rejected, in one construction
REJECTED_MV = {
    "contrasted": ("Курс Астаны строится не на многовекторной внешней политике и балансе интересов, "
                   "а на уступках одному соседу. Это не многовекторность, а зависимость."),
    "negated": ("Никакой многовекторной внешней политики у Астаны нет. Баланса интересов тоже нет, "
                "и многовекторности не существует."),
    "distanced": ("Чиновники Астаны хвалят так называемую многовекторную внешнюю политику. Их «баланс интересов» "
                  "и «многовекторность» давно стали словами для отчётов."),
    "hypothetical": ("Если бы Астана проводила многовекторную внешнюю политику, она держала бы баланс "
                     "интересов. Возможно, многовекторность ещё вернётся."),
    "questioned": ("Проводит ли Астана многовекторную внешнюю политику и держит ли баланс интересов? "
                   "Нет, не проводит."),
}


@pytest.fixture(scope="module")
def analyzer():
    return FramingAnalyzer()


def _frame(analyzer, text, fid):
    return analyzer.analyze(kzmedia.Document.from_text(text)).frame(fid)


def test_asserted_frame_is_present(analyzer):
    f = _frame(analyzer, ASSERTED_MV, "multivector_balance")
    assert f.present and f.stance == "asserted" and not f.rejected
    assert all(e.stance.label == "asserted" for e in f.evidence)


@pytest.mark.parametrize("label", sorted(REJECTED_MV))
def test_rejected_frame_is_not_present(analyzer, label):
    f = _frame(analyzer, REJECTED_MV[label], "multivector_balance")
    assert not f.present and f.score < 8.0
    assert f.stance == "rejected" and f.rejected_score > 8.0
    assert {e.stance.label for e in f.rejected} >= {label}


def test_reported_speech_still_asserts(analyzer):
    text = "По словам министра, Казахстан проводит многовекторную внешнюю политику и держит баланс интересов."
    f = _frame(analyzer, text, "multivector_balance")
    assert f.present and {e.stance.label for e in f.evidence} == {"reported"}
    assert f.evidence[0].to_dict()["speaker"]["text"] == "министра"


def test_rejected_evidence_in_the_json_and_the_findings(analyzer):
    doc = kzmedia.Document.from_text(REJECTED_MV["contrasted"])
    result = analyzer.analyze(doc)
    d = next(f for f in result.to_dict()["frames"] if f["id"] == "multivector_balance")
    assert d["stance"] == "rejected" and d["rejected"]["hits"] == len(d["rejected"]["evidence"]) >= 2
    assert "multivector_balance" in result.to_dict()["rejected"]["domain"]
    for e in d["rejected"]["evidence"]:
        assert doc.text[e["start"]:e["end"]] == e["text"] and doc.text[e["cue"]["start"]:e["cue"]["end"]] == e["cue"]["text"]
    stances = {f.extra["stance"] for f in result.findings() if f.label == "multivector_balance"}
    assert "contrasted" in stances
    out = result.to_dict()
    assert out["stance_version"] == kzmedia.stance.DATA_VERSION and out["tuning_version"]


def test_words_inside_names_and_titles_do_not_count(analyzer):
    # a military operation's name, a party's name, a company written with a capital
    text = ("Операция «Несокрушимая свобода» началась осенью. Партия «Вектор» провела съезд. "
            "Акции компании Союз выросли.")
    result = analyzer.analyze(kzmedia.Document.from_text(text))
    for fid in ("sovereignty", "multivector_balance", "alliance_loyalty"):
        f = result.frame(fid)
        assert not f.evidence and not f.rejected, (fid, f.evidence)


def test_a_messenger_name_alone_is_no_public_opinion(analyzer):
    alone = _frame(analyzer, "Подробности министерство опубликовало в Telegram.", "Public_opinion")
    assert not alone.evidence
    opinion = _frame(analyzer, "Пользователи Telegram возмущены: общественное мнение против реформы.",
                     "Public_opinion")
    assert any(e.text == "Telegram" for e in opinion.evidence)


def test_weather_invasion_is_an_idiom(analyzer):
    weather = ("Синоптики Казахстана предупреждают: арктическое вторжение принесёт морозы, вторжение холодного "
               "воздуха продлится неделю.")
    f = _frame(analyzer, weather, "security_threat")
    assert not f.evidence and not f.rejected
    war = "Армия готовит вторжение в Казахстан, вторжение может начаться в любой день."
    assert _frame(analyzer, war, "security_threat").evidence


def test_a_general_word_needs_another_cue_of_its_frame(analyzer):
    # «статья» alone is a newspaper article; next to «закон» it is a legal article
    alone = _frame(analyzer, "Автор написал статью для журнала.", "Legality_Constitutionality_and_jurisprudence")
    assert not alone.evidence
    legal = _frame(analyzer, "Статья закона запрещает такие сделки.", "Legality_Constitutionality_and_jurisprudence")
    assert {e.text for e in legal.evidence} >= {"Статья"}


@pytest.mark.skipif(not (SHARED / "gold" / "seeds.toml").is_file(),
                    reason="../shared/gold/seeds.toml is absent (the shared data sets are not beside this clone)")
def test_gold_seed_stance(analyzer):
    gold = tomllib.loads((SHARED / "gold" / "seeds.toml").read_text(encoding="utf-8"))
    checked = 0
    for name, spec in gold["texts"].items():
        stance = spec.get("stance")
        if not stance:
            continue
        path = next((p for p in (SHARED / "seeds" / name, SHARED / "controls" / name) if p.is_file()), None)
        if path is None:
            pytest.skip(f"{name} named in seeds.toml is absent from ../shared")
        present = set(analyzer.analyze(kzmedia.Document.from_file(path)).present())
        assert set(stance.get("present", ())) <= present, name
        assert not set(stance.get("not_present", ())) & present, name
        checked += 1
    assert checked >= 2


def test_a_capitalised_common_word_inside_a_sentence_is_a_name(analyzer):
    assert not _frame(analyzer, "Журнал Суверенитет вышел в Астане новым тиражом.", "sovereignty").evidence
    assert _frame(analyzer, "Суверенитет важен для Казахстана.", "sovereignty").evidence


def test_compare_lists_asserted_against_rejected_first():
    asserting = ASSERTED_MV + " Казахстан остаётся союзником России в ОДКБ."
    rejecting = REJECTED_MV["contrasted"] + " Казахстан остаётся союзником России в ОДКБ и ЕАЭС."
    cmp = kzmedia.compare(asserting, rejecting, analyzers=["framing"])
    first = cmp.section("framing").differences("domain")[0]
    assert first.id == "multivector_balance" and first.opposed == "a"
    assert "asserted in A, rejected in B" in cmp.table()
    back = kzmedia.compare(rejecting, asserting, analyzers=["framing"])
    assert back.section("framing").differences()[0].opposed == "b"
    assert back.to_dict()["sections"]["framing"]["frames"][0]["a"]["rejected_evidence"]
