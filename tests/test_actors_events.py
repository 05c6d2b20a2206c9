"""Actor events, portrayal and directed attitudes: grammar-based arguments on Russian sentences.

The sentences are written for these tests (none comes from the shared data).
"""

from __future__ import annotations

import json

import pytest

from kzmedia import Document, Pipeline
from kzmedia_actors import ActorsAnalyzer


@pytest.fixture(scope="module")
def analyzer() -> ActorsAnalyzer:
    return ActorsAnalyzer()


def events(analyzer, text):
    body = analyzer.analyze(Document.from_text(text)).to_dict()
    return [(e["source"], e["action"], e["target"]) for e in body["events"]], body


def test_coordinated_subjects_are_each_a_source(analyzer):
    got, _ = events(analyzer, "Китай и ШОС предотвратили попытку мятежа.")
    assert ("CHN", "protect", None) in got and ("SCO", "protect", None) in got


def test_objects_by_case_and_preposition(analyzer):
    assert events(analyzer, "Турция поддержала Азербайджан.")[0] == [("TUR", "support", "AZE")]
    assert events(analyzer, "Вашингтон ввёл новые санкции против Ирана.")[0] == [("USA", "coerce", "IRN")]
    assert events(analyzer, "Израиль нанёс удары по районам Сирии.")[0] == [("ISR", "attack", "SYR")]
    assert ("EU", "coerce", "BLR") in events(analyzer, "Евросоюз ввёл ограничения в отношении Белоруссии.")[0]
    assert events(analyzer, "Германия оказала помощь Польше.")[0] == [("DEU", "support", "POL")]


def test_nouns_take_their_adjective_or_genitive(analyzer):
    assert events(analyzer, "Японская помощь Вьетнаму выросла.")[0] == [("JPN", "support", "VNM")]
    assert events(analyzer, "Агрессия Ирака осуждена.")[0][0][:2] == ("IRQ", "attack")


def test_passive_and_со_стороны_turn_the_roles_round(analyzer):
    assert ("GBR", "demand", "KAZ") in events(analyzer, "Казахстан подвергся давлению со стороны Лондона.")[0]
    assert ("FRA", "attack", "MLI") in events(analyzer, "Мали была атакована Францией.")[0]


def test_a_clause_without_a_subject_takes_the_sentence_subject(analyzer):
    got, body = events(analyzer, "Канада выслала дипломатов, обвинив Индию во вмешательстве.")
    assert ("CAN", "accuse", "IND") in got
    accuse = next(e for e in body["events"] if e["action"] == "accuse")
    coerce = next(e for e in body["events"] if e["action"] == "coerce")
    assert accuse["confidence"] < coerce["confidence"]


def test_negation_modality_and_reported_speech(analyzer):
    _, body = events(analyzer, "Норвегия не стала угрожать Швеции.")
    assert body["events"][0]["negated"] is True
    _, body = events(analyzer, "Китай может атаковать Тайвань.")
    assert body["events"][0]["modality"] == "possible" and not body["events"][0]["negated"]
    _, body = events(analyzer, "Франция поддержала Грецию, заявил Эрдоган.")
    ev = next(e for e in body["events"] if e["action"] == "support")
    assert ev["quoted"] == {"speaker": "TUR", "cue": "заявил"}


def test_the_core_stance_layer_qualifies_events(analyzer):
    got = {(e["source"], e["target"]): (e["negated"], e["modality"]) for e in events(
        analyzer, "Не Сербия напала на Хорватию, а Хорватия напала на Сербию.")[1]["events"]}
    assert got == {("SRB", "HRV"): (True, None), ("HRV", "SRB"): (False, None)}  # contrasted away
    ev = events(analyzer, "Сербия якобы атаковала Хорватию.")[1]["events"][0]
    assert ev["modality"] == "distanced" and not ev["negated"]
    ev = events(analyzer, "Если Сербия атакует Хорватию, начнётся война.")[1]["events"][0]
    assert ev["modality"] == "possible"


def test_event_spans_are_exact(analyzer):
    text = "Накануне Эстония обвинила Москву в кибератаках."
    _, body = events(analyzer, text)
    ev = body["events"][0]
    assert (ev["source"], ev["action"], ev["target"]) == ("EST", "accuse", "RUS")
    for key in ("source_span", "target_span", "trigger"):
        assert text[ev[key]["start"]:ev[key]["end"]] == ev[key]["text"]
    assert text[ev["start"]:ev["end"]] == ev["text"] == "Эстония обвинила Москву"


def test_portrayal_follows_what_the_text_says_actors_do(analyzer):
    _, body = events(analyzer, "Армения обстреляла сёла Азербайджана. Жертвами стали азербайджанцы. "
                               "Россия защитила мирных жителей.")
    roles = {a["id"]: a["portrayal"]["label"] for a in body["actors"]}
    assert roles == {"ARM": "antagonist", "AZE": "innocent", "RUS": "protagonist"}
    arm = next(a for a in body["actors"] if a["id"] == "ARM")["portrayal"]
    assert set(arm["scores"]) == {"antagonist", "protagonist", "innocent"}
    decided = [e for e in arm["evidence"] if "event" in e]
    assert decided and body["events"][decided[0]["event"]]["action"] == "attack"
    assert all(body["events"][e["event"]]["source"] == "ARM" for e in decided)
    _, calm = events(analyzer, "Делегации Чили и Перу прибыли вчера.")
    assert {a["portrayal"]["label"] for a in calm["actors"]} == {"neutral"}


def _features(analyzer, text, extra=()):
    result = analyzer.analyze(Document.from_text(text), extra_spans=extra)
    return {a: c["features"] for a, c in result.components.items()}, result.to_dict()


def test_portrayal_features_follow_the_event_direction(analyzer):
    fwd, body = _features(analyzer, "Грузия обстреляла Армению.")
    back, body2 = _features(analyzer, "Армения обстреляла Грузию.")
    assert fwd["GEO"]["src_hostile"] > 0 == fwd["GEO"]["tgt_hostile"]
    assert fwd["ARM"]["tgt_hostile"] > 0 == fwd["ARM"]["src_hostile"]
    assert back["ARM"]["src_hostile"] > 0 and back["GEO"]["tgt_hostile"] > 0
    label = lambda b: {a["id"]: a["portrayal"]["label"] for a in b["actors"]}  # noqa: E731
    assert label(body) == {"GEO": "antagonist", "ARM": "innocent"}
    assert label(body2) == {"ARM": "antagonist", "GEO": "innocent"}
    # a negated act is no act: nothing hostile is left to read
    neg, _ = _features(analyzer, "Грузия не обстреливала Армению.")
    assert neg["GEO"]["src_hostile"] == 0 == neg["ARM"]["tgt_hostile"]


def test_the_speaking_side_and_its_agencies(analyzer):
    f, body = _features(analyzer, "Минобороны России заявило, что Эстония угрожает соседям. "
                                  "По словам Кремля, Таллин провоцирует.")
    assert f["RUS.MIL"]["speech"] > 0 and f["RUS"]["speech"] > 0 and f["EST"]["speech"] == 0
    # the agency stands with its state: one side, the one that speaks
    assert f["RUS.MIL"]["own_side"] == f["RUS"]["own_side"] == 1.0 and f["EST"]["own_side"] == 0.0
    # the other way round: the side that speaks changes with the text
    g, _ = _features(analyzer, "Эстония заявила, что Россия угрожает соседям.")
    assert g["EST"]["own_side"] == 1.0 and g["RUS"]["own_side"] == 0.0
    assert g["RUS"]["src_hostile"] > 0 and g["RUS"]["speech"] == 0


def test_an_unknown_entity_after_a_state_is_of_that_state():
    from kzmedia_actors.portrayal import sides

    text = "Министр обороны Сербии Иван Петров прибыл. Хорватия ответила. Иван Петров уехал."
    s = text.index("Сербии")
    p = text.index("Иван Петров")
    h = text.index("Хорватия")
    actors = [{"id": "SRB", "kind": "state", "mentions": [{"start": s, "end": s + 6}]},
              {"id": "HRV", "kind": "state", "mentions": [{"start": h, "end": h + 8}]},
              {"id": "@Петров", "kind": "state", "mentions": [{"start": p, "end": p + 11}]}]
    assert sides(actors, text, {"SRB", "HRV"})["@Петров"] == "SRB"
    # named only after a sentence end, the entity stays on its own
    q = text.rindex("Иван Петров")
    actors[2]["mentions"] = [{"start": q, "end": q + 11}]
    assert sides(actors, text, {"SRB", "HRV"})["@Петров"] == "@Петров"


def test_directed_attitudes(analyzer):
    _, body = events(analyzer, "Литва осудила Белоруссию. Белоруссия поблагодарила Китай.")
    att = {(a["source"], a["target"]): a["tone"] for a in body["attitudes"]}
    assert att[("LTU", "BLR")] < 0 < att[("BLR", "CHN")]
    # directed: the accuser's attitude is the more negative one
    assert att[("LTU", "BLR")] < att[("BLR", "LTU")]
    assert all(a["evidence"] for a in body["attitudes"])


def test_output_schema_and_the_relations_switch():
    text = "Канада поддержала Украину. Москва пригрозила Оттаве санкциями."
    on = Pipeline(analyzers=["actors"]).analyze(Document.from_text(text)).result("actors")
    json.dumps(on, ensure_ascii=False)
    assert {"events", "attitudes", "actions_version", "roles_version"} <= set(on)
    for ev in on["events"]:
        assert set(ev) >= {"source", "action", "target", "negated", "quoted", "start", "end", "text",
                           "trigger", "confidence", "source_span", "target_span"}
        assert 0 < ev["confidence"] <= 1
    off = Pipeline(analyzers=["actors"], config={"actors": {"relations": False}}).analyze(
        Document.from_text(text)).result("actors")
    assert "events" not in off and all("portrayal" not in a for a in off["actors"])
    assert [a["id"] for a in off["actors"]] == [a["id"] for a in on["actors"]]


def test_events_and_attitudes_are_relations_of_the_generic_model():
    analysis = Pipeline(analyzers=["actors"]).analyze(Document.from_text(
        "Сербия поблагодарила Венгрию. Хорватия осудила Сербию."))
    model = analysis.model("actors")
    rel = {(r.source, r.label, r.target): r for r in model.relations}
    assert {("SRB", "praise", "HUN"), ("HRV", "accuse", "SRB"), ("SRB", "attitude", "HUN")} <= set(rel)
    assert rel[("SRB", "praise", "HUN")].extra["kind"] == "event"
    assert rel[("HRV", "attitude", "SRB")].score < 0 < rel[("SRB", "attitude", "HUN")].score
    text = analysis.document.text
    assert all(text[s.start:s.end] == s.text for r in model.relations for s in r.evidence)
    scores = {(s.name, s.group) for s in model.scores}
    assert ("mentions", "SRB") in scores and ("antagonist", "HRV") in scores
    assert {f.label for f in model.findings} == {"SRB", "HUN", "HRV"}


def test_role_and_attitude_evaluations_beat_their_baselines(shared_dir, capsys):
    from kzmedia_actors.evaluation import attitudes, roles

    r = roles.evaluate(shared_dir / "external" / "semeval2025-ru-roles")
    assert r["mentions"] == r["located"] > 150
    assert r["heldout_macro_f1"] > r["constant_baseline_macro_f1"] + 0.25 and r["heldout_auc_ant_vs_pro"] > 0.7
    a = attitudes.evaluate(shared_dir / "external" / "rusentrel-train")
    assert a["heldout_macro_f1"] > a["always_negative_macro_f1"] + 0.1
    assert a["event_sign_accuracy"] > 0.7


def test_gold_portrayal_of_the_seed_articles(analyzer, gold, seed_texts):
    problems = []
    for name, path in seed_texts.items():
        expected = gold["texts"][name].get("portrayal")
        if not expected:
            continue
        body = analyzer.analyze(Document.from_file(path)).to_dict()
        label = {a["id"]: a["portrayal"]["label"] for a in body["actors"]}
        for role in ("antagonist", "protagonist", "innocent"):
            for actor in expected.get(role, ()):
                if label.get(actor) != role:
                    problems.append(f"{name}: {actor} is {label.get(actor)}, expected {role}")
        for role in ("antagonist", "protagonist"):
            for actor in expected.get(f"not_{role}", ()):
                if label.get(actor) == role:
                    problems.append(f"{name}: {actor} must not be {role}")
    assert not problems, "\n".join(problems)


def test_the_role_fit_keeps_the_defined_direction_of_a_feature():
    """Rows where help goes with the antagonist (as in a war corpus where help goes to the other
    side): the fitted weight of src_help stays at least as high for the protagonist, while a
    feature without a direction (speech) follows the data either way."""
    from kzmedia_actors.evaluation.roles import fit
    from kzmedia_actors.portrayal import ROLE_FEATURES

    def row(gold, **values):
        f = dict.fromkeys(ROLE_FEATURES, 0.0)
        f.update(values)
        return {"gold": gold, "document": "d", "components": {"features": f}}

    rows = ([row("antagonist", src_help=1.0, speech=0.0)] * 20 + [row("protagonist", speech=1.0)] * 20
            + [row("innocent", tgt_hostile=1.0)] * 10)
    model = fit(rows)
    assert model.coef["protagonist"]["src_help"] >= model.coef["antagonist"]["src_help"]
    assert model.coef["protagonist"]["speech"] > model.coef["antagonist"]["speech"]
    assert model.coef["innocent"]["tgt_hostile"] > model.coef["antagonist"]["tgt_hostile"]
