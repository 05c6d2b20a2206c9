"""The framing analyzer: frames, evidence spans, segment scores, rules, lexicon merging, acceptance."""

from __future__ import annotations

import json

import pytest

import kzmedia
from kzmedia_framing import (CONFLICT_FRAMES, CONFLICT_THRESHOLD, DOMAIN_FRAMES, GENERIC_FRAMES,
                             FramingAnalyzer, PresenceRule, builtin_lexicons)
from kzmedia_framing.analyzer import DominanceRule, FrameScore

# Texts written for these tests (not taken from any corpus).
ENCROACHMENT = (
    "Западные фонды годами готовили мягкую аннексию Казахстана. "
    "Антироссийские НКО работают по лекалам НАТО, а прозападные эксперты называют это партнёрством."
)
SOVEREIGN_THEN_TRANSIT = (
    "Астана отстаивает свой суверенитет и говорит с соседями на равных.\n"
    "Новый транзитный коридор через порт Курык свяжет Китай с Европой, а логистический хаб на границе "
    "уже принимает контейнерные поезда."
)
NEUTRAL_OWN = (
    "В воскресенье в Караганде прошёл городской марафон. На старт вышли около трёх тысяч бегунов, "
    "самым юным участникам было по десять лет. Погода была облачной, к полудню температура поднялась "
    "до плюс восемнадцати. Победители получили медали и сертификаты от спонсоров забега."
)


@pytest.fixture(scope="module")
def analyzer():
    return FramingAnalyzer()


@pytest.fixture(scope="module")
def pipeline():
    return kzmedia.Pipeline(["framing"])


def frames_of(result) -> dict:
    return {f["id"]: f for f in result["frames"]}


# --- shape ---------------------------------------------------------------------------------

def test_result_json_shape_and_all_frame_ids(pipeline):
    analysis = pipeline.analyze(ENCROACHMENT)
    result = analysis.to_dict()["results"]["framing"]
    json.dumps(result)  # serialisable
    assert {"analyzer_version", "lexicon_version", "frames", "dominant"} <= set(result)
    assert "framing-domain@" in result["lexicon_version"] and "framing-generic@" in result["lexicon_version"]
    ids = [f["id"] for f in result["frames"]]
    assert set(DOMAIN_FRAMES) <= set(ids) and set(GENERIC_FRAMES) <= set(ids)
    assert len(GENERIC_FRAMES) == 14 and len(DOMAIN_FRAMES) == 10
    for f in result["frames"]:
        assert {"id", "kind", "score", "hits", "share", "present", "evidence"} <= set(f)
        assert f["kind"] == ("domain" if f["id"] in DOMAIN_FRAMES else "generic")
        for e in f["evidence"]:
            assert {"start", "end", "text", "entry", "weight"} <= set(e)
            assert ENCROACHMENT[e["start"]:e["end"]] == e["text"]


def test_score_is_weighted_hits_per_thousand_words(analyzer):
    doc = kzmedia.Document.from_text(ENCROACHMENT)
    result = analyzer.analyze(doc)
    f = result.frame("western_encroachment")
    assert f.hits == len(f.evidence) >= 4
    assert f.score == pytest.approx(1000 * sum(e.weight for e in f.evidence) / doc.words)
    domain_weight = sum(x.weight for x in result.frames if x.kind == "domain")
    assert f.share == pytest.approx(f.weight / domain_weight)


# --- matching ------------------------------------------------------------------------------

def test_inflected_soft_annexation_is_western_encroachment(analyzer):
    text = "Эксперты называют происходящее в Казахстане мягкой аннексией, а сам процесс — мягкую аннексию союзника."
    f = analyzer.analyze(kzmedia.Document.from_text(text)).frame("western_encroachment")
    texts = [e.text for e in f.evidence]
    assert "мягкой аннексией" in texts and "мягкую аннексию" in texts
    ev = next(e for e in f.evidence if e.text == "мягкую аннексию")
    assert text[ev.start:ev.end] == "мягкую аннексию"
    assert ev.entry == "western_encroachment:мягкая аннексия"


def test_multiword_and_prefix_entries(analyzer):
    result = analyzer.analyze(kzmedia.Document.from_text(ENCROACHMENT))
    texts = [e.text for e in result.frame("western_encroachment").evidence]
    assert "по лекалам НАТО" in texts
    assert "Антироссийские" in texts and "прозападные" in texts


def test_dominant_frame_of_a_clear_text(analyzer):
    result = analyzer.analyze(kzmedia.Document.from_text(ENCROACHMENT))
    assert result.to_dict()["dominant"] == "western_encroachment"
    assert result.ranked("domain")[0] == "western_encroachment"


def test_negated_hit_is_kept_apart_with_its_cue(analyzer):
    text = "Эксперты уверены: для Казахстана нет военной угрозы с севера."
    f = analyzer.analyze(kzmedia.Document.from_text(text)).frame("security_threat")
    assert not f.evidence and f.score == 0
    ev = next(e for e in f.rejected if e.text == "военной угрозы")
    assert ev.stance.label == "negated" and ev.weight == pytest.approx(3.0)
    d = ev.to_dict()
    assert d["stance"] == "negated" and text[d["cue"]["start"]:d["cue"]["end"]] == "нет"


def test_per_sentence_and_per_paragraph_scores(analyzer):
    doc = kzmedia.Document.from_text(SOVEREIGN_THEN_TRANSIT)
    result = analyzer.analyze(doc).to_dict()
    first, second = doc.paragraphs
    by_par = {p["index"]: p for p in result["paragraphs"]}
    assert "sovereignty" in by_par[0]["scores"] and "sovereignty" not in by_par[1]["scores"]
    assert "transit_logistics" in by_par[1]["scores"] and "transit_logistics" not in by_par[0]["scores"]
    assert by_par[1]["start"] == second.start and by_par[1]["end"] == second.end
    sent = {s["index"]: s for s in result["sentences"]}
    s0 = sent[0]
    assert s0["weights"]["sovereignty"] >= 4.0  # суверенитет + на равных
    assert s0["scores"]["sovereignty"] == pytest.approx(1000 * s0["weights"]["sovereignty"] / s0["words"], abs=0.01)
    for s in result["sentences"]:
        assert doc.sentences[s["index"]].start == s["start"]


def test_findings_carry_frame_labels(pipeline):
    analysis = pipeline.analyze(ENCROACHMENT)
    labels = {f.label for f in analysis.findings if f.analyzer == "framing"}
    assert "western_encroachment" in labels
    for f in analysis.findings:
        assert ENCROACHMENT[f.start:f.end] == f.text


def test_summary_lines(analyzer):
    result = analyzer.analyze(kzmedia.Document.from_text(ENCROACHMENT)).to_dict()
    lines = analyzer.summary(result)
    assert any(line.startswith("domain: western_encroachment*") for line in lines)


def test_own_neutral_text_has_no_conflict_frames(analyzer):
    doc = kzmedia.Document.from_text(NEUTRAL_OWN)
    result = analyzer.analyze(doc)
    for fid in CONFLICT_FRAMES:
        assert result.frame(fid).score <= CONFLICT_THRESHOLD
    assert result.dominant is None


# --- rules ---------------------------------------------------------------------------------

def test_presence_rule():
    rule = PresenceRule(min_score=8.0, min_hits=2, max_rank=1, min_share=0.11)
    assert rule(score=20.0, hits=3, rank=1, share=0.05)
    assert rule(score=20.0, hits=3, rank=4, share=0.2)
    assert not rule(score=20.0, hits=3, rank=4, share=0.05)
    assert not rule(score=7.9, hits=3, rank=1, share=0.9)
    assert not rule(score=30.0, hits=1, rank=1, share=0.9)
    assert rule(score=20.0, hits=4, rank=5, share=0.05, strong=3)      # three frame-defining hits
    assert not rule(score=20.0, hits=4, rank=5, share=0.05, strong=2)


def test_dominance_rule():
    def fs(fid, score, share, present=True):
        return FrameScore(fid, "domain", score, 3, score, share, 1, present, ())
    rule = DominanceRule(min_share=0.25, min_lead=1.25)
    assert rule.pick([fs("a", 30, 0.5), fs("b", 20, 0.3)]) == "a"
    assert rule.pick([fs("a", 30, 0.5), fs("b", 25, 0.4)]) is None      # lead too small
    assert rule.pick([fs("a", 30, 0.2), fs("b", 5, 0.05)]) is None       # share too small
    assert rule.pick([fs("a", 30, 0.5, present=False)]) is None


def test_presence_options_through_pipeline_config():
    pipe = kzmedia.Pipeline(["framing"], config={"framing": {"presence_domain": {"min_score": 10_000}}})
    result = pipe.analyze(ENCROACHMENT).result("framing")
    assert not any(f["present"] for f in result["frames"] if f["kind"] == "domain")
    assert result["dominant"] is None


# --- lexicons ------------------------------------------------------------------------------

def test_builtin_lexicons_are_real():
    domain, generic, idioms, region = builtin_lexicons()
    assert set(idioms.categories) == {"idiom"} and len(idioms.entries) >= 20
    assert set(region.categories) == {"region"} and region.categories["region"].extra["kind"] == "region"
    for lex, ids in ((domain, DOMAIN_FRAMES), (generic, GENERIC_FRAMES)):
        assert len(lex.entries) >= 300
        assert sum(1 for e in lex.entries if " " in e.pattern) >= 50  # multi-word expressions
        for fid in ids:
            cat = lex.categories[fid]
            assert len(cat.definition) > 120, fid
            assert sum(1 for e in lex.entries if fid in e.categories) >= 30, fid
        assert set(lex.categories) == set(ids)
        patterns = [(e.categories, e.pattern.lower()) for e in lex.entries]
        assert len(patterns) == len(set(patterns)), "an entry is listed twice in one frame"


def test_user_lexicon_adds_to_frames_and_creates_custom_frames(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        '[lexicon]\nname = "my-frames"\nversion = "0.1"\n'
        '[categories.sovereignty]\nterms = ["свой путь развития"]\n'
        '[categories.water_politics]\ndefinition = "Вода как предмет торга."\n'
        'terms = ["водные ресурсы", "вододеление", "Амударья"]\n', encoding="utf-8")
    text = "Казахстан выбирает свой путь развития. Споры о вододелении и Амударье обостряются."
    pipe = kzmedia.Pipeline(["framing"], extra_lexicons={"framing": [path]})
    result = pipe.analyze(text).result("framing")
    assert "my-frames@0.1" in result["lexicon_version"]
    frames = frames_of(result)
    assert any(e["text"] == "свой путь развития" and e["lexicon"] == "my-frames"
               for e in frames["sovereignty"]["evidence"])
    custom = frames["water_politics"]
    assert custom["kind"] == "custom" and custom["hits"] == 2
    assert {e["text"] for e in custom["evidence"]} == {"вододелении", "Амударье"}


def test_liwc_dictionary_works_as_frame_lexicon(tmp_path):
    path = tmp_path / "frames.dic"
    path.write_text("%\n1\tsecurity_threat\n2\tsport\n%\nмарафон*\t2\nбегун*\t2\nугроз*\t1\n", encoding="utf-8")
    pipe = kzmedia.Pipeline(["framing"], extra_lexicons={"framing": [path]})
    frames = frames_of(pipe.analyze(NEUTRAL_OWN).result("framing"))
    assert frames["sport"]["kind"] == "custom" and frames["sport"]["hits"] == 2
    assert frames["security_threat"]["hits"] == 0


def test_lexicon_hook_and_override_by_name():
    override = kzmedia.Lexicon.from_mapping({
        "lexicon": {"name": "framing-domain", "version": "test"},
        "categories": {"western_encroachment": {"terms": ["марафон"]}},
    })

    class Plugin:
        @kzmedia.hookimpl
        def kzmedia_register_lexicons(self, register):
            register(override, analyzer="framing")

    from kzmedia.plugins import make_plugin_manager

    pm = make_plugin_manager()
    pm.register(Plugin(), name="test-framing-override")
    try:
        pipe = kzmedia.Pipeline(["framing"], plugin_manager=pm)
        result = pipe.analyze(ENCROACHMENT + " " + NEUTRAL_OWN).result("framing")
    finally:
        pm.unregister(name="test-framing-override")
    assert result["lexicon_version"].startswith("framing-generic@")
    assert "framing-domain@test" in result["lexicon_version"]
    wf = frames_of(result)["western_encroachment"]
    assert [e["text"] for e in wf["evidence"]] == ["марафон"]  # the built-in domain entries are gone


# --- acceptance on the shared texts ----------------------------------------------------------

def test_controls_have_no_conflict_frames(seed_texts, pipeline):
    controls = [n for n in seed_texts if n.startswith("neutral")]
    assert controls
    for name in controls:
        result = pipeline.analyze(kzmedia.Document.from_file(seed_texts[name])).result("framing")
        frames = frames_of(result)
        for fid in CONFLICT_FRAMES:
            assert frames[fid]["score"] <= CONFLICT_THRESHOLD, (name, fid, frames[fid]["evidence"])


def test_gold_frames_top3_and_pairs(gold, seed_texts, pipeline):
    results = {}
    for name, path in seed_texts.items():
        results[name] = frames_of(pipeline.analyze(kzmedia.Document.from_file(path)).result("framing"))
    checked = 0
    for name, spec in gold["texts"].items():
        expect = spec.get("frames")
        if not expect:
            continue
        frames = results[name]
        for key, kind in (("top3_domain", "domain"), ("top3_generic", "generic")):
            top3 = [f["id"] for f in sorted((f for f in frames.values() if f["kind"] == kind and f["hits"]),
                                            key=lambda f: -f["score"])[:3]]
            for fid in expect.get(key, ()):
                assert fid in top3, (name, key, fid, top3)
                checked += 1
    for pair in gold.get("pairs", ()):
        hi = results[pair["higher"]][pair["frame"]]["score"]
        lo = results[pair["lower"]][pair["frame"]]["score"]
        assert hi > lo, pair
        checked += 1
    assert checked >= 8


def test_yaml_dictionary_categories_join_frames(tmp_path):
    pytest.importorskip("yaml")
    path = tmp_path / "frames.yml"
    path.write_text("sovereignty:\n  - стратегическая самостоятельность\nsport:\n  running:\n    - марафон\n",
                    encoding="utf-8")
    pipe = kzmedia.Pipeline(["framing"], extra_lexicons={"framing": [path]})
    frames = frames_of(pipe.analyze(NEUTRAL_OWN + " Курс на стратегическую самостоятельность.").result("framing"))
    assert frames["sport.running"]["kind"] == "custom" and frames["sport.running"]["hits"] == 1
    ev = frames["sovereignty"]["evidence"]
    assert [(e["text"], e["lexicon"]) for e in ev] == [("стратегическую самостоятельность", "frames")]


def test_setup_is_idempotent(tmp_path):
    path = tmp_path / "extra.toml"
    path.write_text('[lexicon]\nname = "extra"\nversion = "1"\n[categories.sport]\nterms = ["марафон"]\n',
                    encoding="utf-8")
    pipe = kzmedia.Pipeline(["framing"], extra_lexicons={"framing": [path]})
    analyzer = pipe.analyzers["framing"]
    analyzer.setup(pipe.context)  # a second set-up must not add the extra lexicon twice
    assert analyzer.lexicon_version.count("extra@1") == 1
    assert analyzer.analyze(kzmedia.Document.from_text(NEUTRAL_OWN)).frame("sport").hits == 1


@pytest.mark.parametrize("text, political", [
    ("Свобода выбора остаётся за гражданами.", False),       # выбор (choice) is not выборы
    ("Премьера фильма прошла с аншлагом.", False),            # премьера is not премьер
    ("Досрочные выборы назначены на осень.", True),
    ("Премьер-министр и известный политик встретились.", True),
])
def test_ambiguous_lemmas_are_constrained(analyzer, text, political):
    result = analyzer.analyze(kzmedia.Document.from_text(text))
    assert (result.frame("Political").hits > 0) is political


def test_hypothetical_and_denied_mentions_are_not_asserted(analyzer):
    text = ("Нападение на соседей Казахстана означало бы катастрофу. Военный конфликт сегодня невозможен. "
            "Вторжение началось утром.")
    f = analyzer.analyze(kzmedia.Document.from_text(text)).frame("security_threat")
    rejected = {e.text: e.stance.label for e in f.rejected}
    assert rejected["Нападение"] == "hypothetical" and rejected["Военный конфликт"] == "negated"
    assert [e.text for e in f.evidence] == ["Вторжение"] and f.weight == pytest.approx(2.0)


def test_ne_tolko_does_not_negate_and_a_comma_ends_the_search(analyzer):
    text = "Речь не только о суверенитете Казахстана. Он не пришёл, суверенитет важнее."
    f = analyzer.analyze(kzmedia.Document.from_text(text)).frame("sovereignty")
    assert [e.stance.label for e in f.evidence] == ["asserted", "asserted"] and not f.rejected
    f2 = analyzer.analyze(kzmedia.Document.from_text("Для Казахстана это не суверенитет.")).frame("sovereignty")
    assert not f2.evidence and f2.rejected[0].to_dict()["stance"] == "negated"
