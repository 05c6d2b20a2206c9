"""The regional gate: a domain frame's evidence counts only where the text is about Kazakhstan or
Central Asia (a mention in the sentence or the next one of its paragraph, or a document about the
region); the rest is listed apart as ``off_region``. Texts written for these tests."""

from __future__ import annotations

import pytest

import kzmedia
from kzmedia_framing import FramingAnalyzer

# a frame-defining expression of resources_energy, first about Kazakhstan, then about France alone
KZ_OIL = "Казахстан наращивает добычу нефти и газа на новых месторождениях."
FR_OIL = "Франция наращивает добычу нефти и газа на новых месторождениях."
# a long text about France (no mention of the region)
FRANCE = ("Париж обсуждает энергетическую политику. Министр выступил в парламенте. "
          "Депутаты спорили до вечера. Французские компании ждут решения. " + FR_OIL)


@pytest.fixture(scope="module")
def analyzer():
    return FramingAnalyzer()


def _frame(analyzer, text, fid="resources_energy", **kw):
    a = FramingAnalyzer(**kw) if kw else analyzer
    return a.analyze(kzmedia.Document.from_text(text)).frame(fid)


def test_a_domain_cue_about_kazakhstan_counts_and_about_france_it_does_not(analyzer):
    kz = _frame(analyzer, KZ_OIL)
    assert {"добычу", "нефти", "газа"} <= {e.text for e in kz.evidence} and kz.present and not kz.off_region
    fr = _frame(analyzer, FR_OIL)
    assert not fr.evidence and not fr.present and fr.score == 0 and fr.stance == "absent"
    assert {"добычу", "нефти", "газа"} <= {e.text for e in fr.off_region}  # listed apart, not lost


def test_generic_frames_are_not_gated(analyzer):
    text = "Франция повысила налоги, бюджет страны вырос, а цены на бензин упали."
    kz_text = text.replace("Франция", "Казахстан")
    generic = [analyzer.analyze(t).frame("Economic") for t in (text, kz_text)]
    assert generic[0].evidence and [e.text for e in generic[0].evidence] == [e.text for e in generic[1].evidence]


@pytest.mark.parametrize("mention", [
    "с Казахстаном", "казахстанские компании", "при Токаеве", "в Центральной Азии",
    "российско-казахстанские компании", "в Алматы", "узбекские партнёры", "в Бишкеке",
])
def test_any_inflected_mention_of_the_region_opens_the_gate(analyzer, mention):
    text = f"Вместе {mention} Франция наращивает добычу нефти и газа на новых месторождениях."
    f = _frame(analyzer, text)
    assert {"нефти", "газа"} <= {e.text for e in f.evidence}, mention


@pytest.mark.parametrize("bloc", ["в ЕАЭС", "в ОДКБ", "в ШОС"])
def test_a_bloc_is_no_mention_of_the_region(analyzer, bloc):
    # the blocs have members outside the region: a sentence about Belarus in the EAEU is not about Kazakhstan
    text = f"Белоруссия остаётся верным союзником Москвы {bloc} и выполняет союзнические обязательства."
    f = _frame(analyzer, text, "alliance_loyalty")
    assert not f.evidence and f.off_region
    f = _frame(analyzer, text.replace("Белоруссия", "Казахстан"), "alliance_loyalty")
    assert f.evidence and not f.off_region


def test_the_next_sentence_of_the_paragraph_counts_the_one_after_does_not(analyzer):
    # five sentences, the region in the first only (one in five would make the text about the region)
    text = ("Казахстан ищет новых покупателей. Добыча нефти и газа растёт. "
            "Париж обсуждает бюджет. Депутаты спорят. Франция наращивает добычу нефти и газа.")
    doc = kzmedia.Document.from_text(text + " Министр выступил.")
    result = analyzer.analyze(doc)
    f = result.frame("resources_energy")
    assert {e.sentence for e in f.evidence} == {1} and {e.sentence for e in f.off_region} == {4}
    region = result.to_dict()["region"]
    assert region["sentences"] == [0] and not region["about_region"]


def test_a_new_paragraph_is_not_covered_by_the_previous_ones_mention(analyzer):
    text = ("Париж обсуждает бюджет. Депутаты спорят. Министр выступил. Казахстан ищет покупателей.\n"
            "Франция наращивает добычу нефти и газа. Сенат промолчал.")
    f = _frame(analyzer, text)
    assert not f.evidence and {"нефти", "газа"} <= {e.text for e in f.off_region}
    joined = _frame(analyzer, text.replace("\n", " "))
    assert {"нефти", "газа"} <= {e.text for e in joined.evidence}


def test_a_document_about_the_region_counts_everywhere(analyzer):
    # the region in two of six sentences (more than one in five): the heading and the far sentence count
    text = ("Нефть и газ\n"
            "Казахстан ищет новых покупателей. Астана ведёт переговоры. Погода стояла тёплая. "
            "Министр выступил в парламенте. Добыча нефти и газа на месторождениях растёт.")
    result = analyzer.analyze(kzmedia.Document.from_text(text))
    f = result.frame("resources_energy")
    assert result.to_dict()["region"]["about_region"]
    assert {"Нефть", "газ", "месторождениях"} <= {e.text for e in f.evidence} and not f.off_region


def test_a_document_that_never_mentions_the_region_has_no_domain_frames(analyzer):
    result = analyzer.analyze(kzmedia.Document.from_text(FRANCE))
    assert result.present("domain") == [] and result.dominant is None
    assert all(not f.evidence and not f.rejected for f in result.frames if f.kind == "domain")
    assert result.frame("resources_energy").off_region
    assert result.to_dict()["region"]["mentions"] == []


def test_gated_evidence_keeps_its_stance_apart_from_rejected(analyzer):
    text = "Во Франции никакой военной угрозы нет."
    f = _frame(analyzer, text, "security_threat")
    assert not f.rejected and f.stance == "absent"
    assert [e.stance.label for e in f.off_region] == ["negated"]
    kz = _frame(analyzer, text.replace("Во Франции", "В Казахстане"), "security_threat")
    assert [e.stance.label for e in kz.rejected] == ["negated"] and not kz.off_region


def test_the_json_and_the_summary_show_the_gate(analyzer):
    doc = kzmedia.Document.from_text(KZ_OIL + "\n" + FRANCE)  # one sentence in six: not about the region
    out = analyzer.analyze(doc).to_dict()
    assert "framing-region@" in out["lexicon_version"] and out["analyzer_version"] == "2.4.0"
    for m in out["region"]["mentions"]:
        assert doc.text[m["start"]:m["end"]] == m["text"]
    assert [m["text"] for m in out["region"]["mentions"]] == ["Казахстан"]
    frames = {f["id"]: f for f in out["frames"]}
    off = frames["resources_energy"]["off_region"]
    assert off["hits"] == len(off["evidence"]) >= 3
    assert all(doc.text[e["start"]:e["end"]] == e["text"] and e["start"] > len(KZ_OIL) for e in off["evidence"])
    assert "off_region" not in frames["Economic"]  # generic frames are not gated
    assert any(line.startswith("off-region, not counted: resources_energy") for line in analyzer.summary(out))
    # findings are evidence only: the gated hits are not among them
    assert all(f.start < len(KZ_OIL) for f in analyzer.analyze(doc).findings() if f.label == "resources_energy")


def test_the_gate_can_be_turned_off(analyzer):
    f = _frame(analyzer, FR_OIL, region=False)
    assert {"нефти", "газа"} <= {e.text for e in f.evidence} and not f.off_region
    pipe = kzmedia.Pipeline(["framing"], config={"framing": {"region": False}})
    assert pipe.analyze(FRANCE).result("framing")["region"] is None


def test_a_users_region_lexicon_replaces_the_shipped_one(tmp_path):
    path = tmp_path / "caucasus.toml"
    path.write_text('[lexicon]\nname = "framing-region"\nversion = "0.1"\n'
                    '[categories.region]\nkind = "region"\nterms = ["Грузия", "Тбилиси", "грузинск*"]\n',
                    encoding="utf-8")
    pipe = kzmedia.Pipeline(["framing"], extra_lexicons={"framing": [path]})
    ge = pipe.analyze("Грузия наращивает добычу нефти и газа на новых месторождениях.").result("framing")
    kz = pipe.analyze(KZ_OIL).result("framing")
    energy = lambda r: next(f for f in r["frames"] if f["id"] == "resources_energy")  # noqa: E731
    assert energy(ge)["evidence"] and not energy(kz)["evidence"] and energy(kz)["off_region"]["hits"]
    assert "framing-region@0.1" in ge["lexicon_version"]
