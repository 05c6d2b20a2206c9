"""The rhetoric analyzer: taxonomy, spans, context conditions, options, and the shared gold texts.

Example sentences are written for these tests; the shared texts are read from ``../shared``.
"""

from __future__ import annotations

import json

import pytest

import kzmedia
from kzmedia import Document, LexiconError, Pipeline
from kzmedia.config import ConfigError
from kzmedia_rhetoric import (CATEGORIES, CATEGORY_OF, DEFAULT_DISABLED, DEVICES, TECHNIQUES,
                              RhetoricAnalyzer)
from kzmedia_rhetoric.analyzer import DEFAULT_CLASSES


#: Loaded_Language is on by default for two classes only since the blind audits (docs/rhetoric.md);
#: these tests of the output's shape switch every class on
LOADED = {"enabled_techniques": ["Loaded_Language"]}


@pytest.fixture(scope="module")
def analyzer() -> RhetoricAnalyzer:
    return RhetoricAnalyzer(**LOADED)


@pytest.fixture(scope="module")
def every() -> RhetoricAnalyzer:
    """Every technique on and no threshold: for testing the rules themselves."""
    return RhetoricAnalyzer(enabled_techniques=list(TECHNIQUES), min_confidence=0.0)


def run(analyzer, text: str) -> tuple[Document, dict]:
    doc = Document.from_text(text)
    return doc, analyzer.analyze(doc).to_dict()


def techniques_at(result: dict, doc: Document, phrase: str) -> set[tuple[str, str]]:
    a = doc.text.index(phrase)
    b = a + len(phrase)
    return {(f["technique"], f["device"]) for f in result["findings"] if f["start"] < b and a < f["end"]}


# --- taxonomy ----------------------------------------------------------------------------------

def test_taxonomy_is_the_semeval_2023_one():
    assert len(TECHNIQUES) == 23 and len(set(TECHNIQUES)) == 23
    assert len(CATEGORIES) == 6
    from kzmedia_rhetoric.semeval import TECHNIQUES as EVAL_TECHNIQUES
    assert set(TECHNIQUES) == set(EVAL_TECHNIQUES)
    for device in ("rhetorical_question", "scare_quotes", "contrastive_reframing", "vague_attribution",
                   "hidden_agenda", "threat_conditional", "either_or", "intensifier", "labeling_term",
                   "loaded_term", "certainty_marker", "categorical_closure", "in_group_appeal",
                   "repetition"):
        assert device in DEVICES


def test_registered_through_the_entry_point_group():
    pipe = Pipeline(["rhetoric"])
    assert isinstance(pipe.analyzers["rhetoric"], RhetoricAnalyzer)


# --- output shape and span invariant ---------------------------------------------------------------

TEXT = (
    "Так называемое «стратегическое партнёрство» с соседями — это не про дружбу, а про контроль.\r\n"
    "Чиновники якобы заботятся о людях, но за красивыми словами скрывается банальный передел рынка.\r\n"
    "Военная угроза? Больше нет? Это не преувеличение.\r\n"
    "Если мы не остановим этот марионеточный режим, то завтра он превратит страну в колонию.\r\n"
    "Эти лживые и позорные обещания — чудовищный обман избирателей.\r\n"
)


def test_result_shape_and_every_span_matches_the_text(analyzer):
    doc, res = run(analyzer, TEXT)
    assert set(res) == {"analyzer_version", "lexicon_version", "data_version", "stance_version", "findings",
                        "devices", "profile"}
    assert res["findings"] and res["devices"], "the test text is full of devices"
    for f in res["findings"]:
        assert set(f) == {"technique", "category", "device", "start", "end", "text", "trigger", "confidence",
                          "alternatives", "quoted", "speaker"}
        assert doc.text[f["start"]:f["end"]] == f["text"]
        assert f["technique"] in TECHNIQUES and CATEGORY_OF[f["technique"]] == f["category"]
        assert f["device"] in DEVICES
        assert f["trigger"]
        assert analyzer.min_confidence <= f["confidence"] <= 1.0
        assert all(a["technique"] != f["technique"] for a in f["alternatives"])
    for d in res["devices"]:
        assert d["device"] in DEVICES and doc.text[d["start"]:d["end"]] == d["text"]
    assert sum(prof_n for prof_n in res["profile"]["by_device"].values()) == len(res["devices"])
    prof = res["profile"]
    assert sum(prof["by_technique"].values()) == len(res["findings"])
    assert sum(prof["by_category"].values()) == len(res["findings"])
    assert prof["per_1000_words"] == pytest.approx(1000 * len(res["findings"]) / doc.words, abs=0.01)
    json.dumps(res)  # serialisable


def devices_at(result: dict, doc: Document, phrase: str) -> set[str]:
    a = doc.text.index(phrase)
    b = a + len(phrase)
    return {d["device"] for d in result["devices"] if d["start"] < b and a < d["end"]}


def test_devices_on_own_text(analyzer):
    doc, res = run(analyzer, TEXT)
    assert "so_called" in devices_at(res, doc, "Так называемое")
    assert "scare_quotes" in devices_at(res, doc, "«стратегическое партнёрство»")
    assert "hidden_agenda" in devices_at(res, doc, "скрывается")
    assert "rhetorical_question" in devices_at(res, doc, "Военная угроза? Больше нет?")
    assert "contrastive_reframing" in devices_at(res, doc, "это не про дружбу")
    # devices are not technique counts
    assert sum(res["profile"]["by_technique"].values()) == len(res["findings"]) < len(res["devices"]) + len(res["findings"])


def test_one_span_one_technique(analyzer):
    doc, res = run(analyzer, "Депутат назвал министра жалким лжецом, а его реформу — позорной авантюрой.")
    spans = [(f["start"], f["end"]) for f in res["findings"]]
    assert spans and len(spans) == len(set(spans))
    assert any(f["alternatives"] for f in res["findings"]), res["findings"]
    assert res["profile"]["by_technique"] and sum(res["profile"]["by_technique"].values()) == len(spans)


def test_quoted_speech_names_its_speaker(analyzer):
    doc, res = run(analyzer, "По словам политолога Сергея Петрова, это позорная и бесстыдная ложь. "
                             "Позорная сделка, лживые обещания.")
    quoted = [f for f in res["findings"] if f["quoted"]]
    assert quoted and all("Петров" in (f["speaker"] or "") for f in quoted), res["findings"]
    assert any(not f["quoted"] for f in res["findings"]), "the second sentence is the author's voice"


@pytest.mark.parametrize("text", [
    # a first name that pymorphy3 also reads as a short adjective (дикий) is a name
    "Под руководством Дика Адвоката сборная обыграла соперника со счётом два — ноль.",
    # a capitalised word inside a sentence is part of a name
    "Ветераны Великой Отечественной войны собрались у мемориала в сквере.",
    # legal and conflict vocabulary, and the legally required disclaimer, are neutral
    "Суд приговорил его по статье об организации деятельности террористической организации.",
    "Боевики группировки (организация запрещена в России) атаковали блокпост, сообщили военные.",
    # a poll is reported, not appealed to
    "Опрос показал, что треть горожан ездит на работу на автобусе.",
])
def test_names_register_and_boilerplate_stay_quiet(analyzer, text):
    _, res = run(analyzer, text)
    assert res["findings"] == [], res["findings"]


def test_boilerplate_spans_cover_the_disclaimer():
    from kzmedia_rhetoric.analyzer import boilerplate_spans

    text = "Группа «Север» (запрещена в РФ) снова угрожает. Фото: агентство"
    spans = boilerplate_spans(text)
    assert any(text[a:b] == "(запрещена в РФ)" for a, b in spans)
    assert any(text[a:b].startswith("Фото:") for a, b in spans)


def test_labels_need_a_target(every):
    """Name_Calling is a label aimed at someone: the same word with no actor near is not."""
    cands = lambda text: {c.technique for c in every.candidates(Document.from_text(text))[0]}  # noqa: E731
    assert "Name_Calling-Labeling" in cands("Этот марионеточный режим снова лжёт своим гражданам.")
    assert "Name_Calling-Labeling" not in cands("Фанатики встречаются в любом спорте.")


def test_findings_are_kzmedia_findings_labelled_by_technique():
    analysis = kzmedia.Pipeline(["rhetoric"], config={"rhetoric": LOADED}).analyze(TEXT)
    rich = analysis.results["rhetoric"]
    found = rich.findings()
    assert found and all(f.analyzer == "rhetoric" and f.label in TECHNIQUES for f in found)
    assert all(analysis.document.text[f.start:f.end] == f.text for f in found)
    assert all(f.extra["device"] in DEVICES for f in found)
    lines = RhetoricAnalyzer.summary(analysis.result("rhetoric"))
    assert lines and "findings" in lines[0]


# --- context conditions: a word alone is not a technique ----------------------------------------

@pytest.mark.parametrize("text, technique, expected", [
    # a danger named in a report is not an appeal to fear; a danger given as a consequence is
    ("Угроза паводка в области снизилась после похолодания.", "Appeal_to_Fear-Prejudice", False),
    ("Если договор сорвётся, ядерная угроза станет реальностью для всего региона.",
     "Appeal_to_Fear-Prejudice", True),
    # a value mentioned is not an appeal to values; a value given as the reason to act is
    ("Свобода слова обсуждалась на конференции журналистов.", "Appeal_to_Values", False),
    ("Мы обязаны отстоять свою свободу и справедливость ради будущих поколений.", "Appeal_to_Values", True),
    # national words in a neutral report are not flag waving; an appeal to "us" is
    ("Народ Непала отмечает праздник урожая.", "Flag_Waving", False),
    ("Наш народ никогда не станет ничьей колонией, мы защитим свою родину.", "Flag_Waving", True),
])
def test_context_conditions(every, text, technique, expected):
    # conditions decide whether a candidate exists at all (the threshold is a separate matter)
    cands, _ = every.candidates(Document.from_text(text))
    assert (technique in {c.technique for c in cands}) is expected, cands


def test_quoted_calls_and_conditional_consequences(every):
    analyzer = every
    doc, res = run(analyzer, "На площади скандировали «Долой налоги на хлеб!», а депутаты молчали.")
    assert ("Slogans", "slogan") in techniques_at(res, doc, "«Долой налоги на хлеб!»")
    # a quoted title is not a call
    _, res = run(analyzer, "Вышел новый номер журнала «Экономика и жизнь» за март.")
    assert "Slogans" not in res["profile"]["by_technique"]
    text = ("Чудовищная реформа провалилась. Если парламент примет этот закон, то уже завтра "
            "цены на хлеб вырастут вдвое.")
    doc, res = run(analyzer, text)
    assert any(t == "Consequential_Oversimplification" for t, _ in techniques_at(res, doc, "Если парламент"))


def test_categorical_closure_needs_a_short_sentence(every):
    _, short = run(every, "Эпоха дешёвой нефти завершена.")
    assert "Conversation_Killer" in short["profile"]["by_technique"]
    _, long = run(every, "Ремонт моста через реку завершили строители из соседней области в среду вечером.")
    assert "Conversation_Killer" not in long["profile"]["by_technique"]


def test_neutral_text_stays_quiet(analyzer):
    _, res = run(analyzer, "В среду в Павлодаре открылась новая школа на шестьсот мест. В здании есть "
                           "спортивный зал, столовая и библиотека. Строительство заняло два года.")
    assert res["findings"] == []


# --- options --------------------------------------------------------------------------------------

def test_disabled_techniques_and_threshold():
    # the blind audits' verdict: Loaded_Language by default only for words of contempt and insults;
    # Doubt off, even read in context (3 of 14 in the audit of rhetoric 3.1; docs/rhetoric.md)
    assert "Loaded_Language" not in DEFAULT_DISABLED and "Doubt" in DEFAULT_DISABLED
    assert DEFAULT_CLASSES["Loaded_Language"] == {"loaded_term.strong", "labeling_term.insult+also"}
    assert "Doubt" not in DEFAULT_CLASSES
    base = RhetoricAnalyzer(**LOADED).analyze(Document.from_text(TEXT)).to_dict()
    off = RhetoricAnalyzer().analyze(Document.from_text(TEXT)).to_dict()
    default_ll = {f["text"] for f in off["findings"] if f["technique"] == "Loaded_Language"}
    assert default_ll and default_ll <= {"лживые", "позорные", "чудовищный"}
    assert len([f for f in base["findings"] if f["technique"] == "Loaded_Language"]) > len(default_ll)
    assert off["devices"] == base["devices"], "devices do not depend on the techniques"
    low = RhetoricAnalyzer(min_confidence=0.0, **LOADED).analyze(Document.from_text(TEXT)).to_dict()
    strict = RhetoricAnalyzer(min_confidence=0.75, **LOADED).analyze(Document.from_text(TEXT)).to_dict()
    assert len(low["findings"]) >= len(base["findings"])
    assert 0 < len(strict["findings"]) < len(base["findings"])
    assert all(f["confidence"] >= 0.75 for f in strict["findings"])


def test_default_reports_contempt_and_insults_not_ordinary_evaluation():
    text = ("Переговоры снова зашли в тупик, и оппозиция назвала это провалом. "
            "Депутат обозвал министра холуём, а его доклад — омерзительным враньём. "
            "Новый закон — грабительский, а разговоры о реформе — чистый бред.")
    found = {(f["technique"], f["text"]) for f in RhetoricAnalyzer().analyze(Document.from_text(text)).items}
    assert ("Name_Calling-Labeling", "холуём") in found  # an insult aimed at a person
    assert {("Loaded_Language", "омерзительным"), ("Loaded_Language", "враньём")} <= found
    # ordinary evaluation and words with a literal sense: off by default ...
    assert not {t for t, w in found if w in ("тупик", "провалом", "грабительский", "бред")}
    everything = {f["text"]: f for f in RhetoricAnalyzer(**LOADED).analyze(Document.from_text(text)).items}
    assert {"грабительский", "бред"} <= set(everything)  # ... there when the user asks for them
    cands, _ = RhetoricAnalyzer(min_confidence=0.0, **LOADED).candidates(Document.from_text(text))
    assert {c.cls for c in cands if c.trigger == "тупик"} == {"loaded_term.literal"}  # a dead end is also literal


def test_doubt_classes_separate_questioning_from_ordinary_uncertainty():
    doubt = RhetoricAnalyzer(enabled_techniques=["Doubt"])
    found = {f["text"]: f["confidence"] for f in doubt.analyze(Document.from_text(
        "Чиновники уверяют, что бюджет якобы сбалансирован, но эти цифры явно сфабрикованы.")).items
        if f["technique"] == "Doubt"}
    assert {"якобы", "сфабрикованы"} <= set(found)
    cands, _ = RhetoricAnalyzer(enabled_techniques=["Doubt"], min_confidence=0.0).candidates(Document.from_text(
        "Причина пожара пока неизвестно чем вызвана; на самом деле огонь начался в подвале."))
    plain = [c for c in cands if c.technique == "Doubt"]
    assert plain and {c.cls for c in plain} == {"doubt_marker.plain"}
    assert max(c.confidence for c in plain) < found["сфабрикованы"]  # ordinary uncertainty weighs less


def _doubt_classes(text: str) -> dict[str, str]:
    """Trigger → trigger class of the Doubt candidates of ``text``, every class on, no threshold."""
    cands, _ = RhetoricAnalyzer(enabled_techniques=["Doubt"], min_confidence=0.0).candidates(Document.from_text(text))
    return {c.trigger: c.cls for c in cands if c.technique == "Doubt" and c.device == "doubt_marker"}


def _default_doubt(text: str) -> set[str]:
    return {f["text"] for f in RhetoricAnalyzer().analyze(Document.from_text(text)).items if f["technique"] == "Doubt"}


def test_doubt_is_off_by_default_and_on_when_asked():
    text = "Его обвинения голословны, а цифры отчёта явно сфабрикованы."
    assert _default_doubt(text) == set()
    found = {f["text"] for f in RhetoricAnalyzer(enabled_techniques=["Doubt"]).analyze(Document.from_text(text)).items
             if f["technique"] == "Doubt"}
    assert found == {"голословны", "сфабрикованы"}


@pytest.mark.parametrize("text, cls", [
    # a capitalised or quoted name, a Latin name or a number after «так называемый»: naming
    ("В регионе действует так называемое «Исламское государство».", "doubt_marker.naming"),
    ("Так называемый Парижский клуб кредиторов собрался во вторник.", "doubt_marker.naming"),
    ("Это так называемый Brent, эталонный сорт нефти.", "doubt_marker.naming"),
    # a lower-case term that claims nothing: a term is introduced
    ("Учёные измерили так называемый углеродный след города.", "doubt_marker.term"),
    ("Банк заблокировал так называемые дропперские карты.", "doubt_marker.term"),
    # a word that claims legitimacy or value, or an actor: that claim is put in question
    # (a neutral rest of the sentence: in a charged one the calibrated confidence of any Doubt is
    # lower, which is the register's business, not this rule's)
    ("Так называемые миротворцы снова вошли в город.", "doubt_marker"),
    ("Эти так называемые выборы прошли без наблюдателей.", "doubt_marker"),
    ("Так называемая оппозиция снова промолчала.", "doubt_marker"),
])
def test_so_called_names_a_term_or_doubts_a_claim(text, cls):
    trigger = next(t for t in _doubt_classes(text) if t.lower().startswith("так называем"))
    assert _doubt_classes(text)[trigger] == cls
    assert not _default_doubt(text)  # Doubt is off by default whatever the reading
    # the device is reported whichever reading it gets
    devices = RhetoricAnalyzer().analyze(Document.from_text(text)).devices
    assert [d["device"] for d in devices if d["text"] == trigger] == ["so_called"]


@pytest.mark.parametrize("text, cls", [
    # a hedge in a neutral report: relayed information, an unconfirmed account
    ("По словам следователя, подозреваемый якобы пытался скрыться за границей.", "doubt_marker.reported"),
    ("Как сообщает агентство, беглый банкир якобы находится в Дубае.", "doubt_marker.reported"),
    ("По неофициальным сведениям, завод якобы закроют к весне.", "doubt_marker.reported"),
    # the outlet's own voice, a polemic verb or a direct quotation: a claim is put in question
    ("Власти якобы заботятся о пенсионерах, но пенсии опять урезали.", "doubt_marker"),
    ("Министр заявил, что Запад якобы готовит провокацию.", "doubt_marker"),
    ("«Они якобы защищают демократию», — сказал Иванов.", "doubt_marker"),
])
def test_hearsay_in_a_neutral_report_is_a_hedge_not_doubt(text, cls):
    assert _doubt_classes(text)["якобы"] == cls


@pytest.mark.parametrize("text, cls", [
    ("Ведомство призвало бороться с распространением фейков в соцсетях.", "doubt_marker.topic"),
    ("Депутаты приняли закон о фейках в интернете.", "doubt_marker.topic"),
    ("Центр по противодействию дезинформации выпустил доклад.", "doubt_marker.topic"),
    ("Это очередной фейк, который сочинили за один вечер.", "doubt_marker.fake"),
])
def test_fakes_as_a_topic_or_an_accusation_are_their_own_readings(text, cls):
    trigger = next(t for t, c in _doubt_classes(text).items() if c.startswith(("doubt_marker.topic", "doubt_marker.fake")))
    assert _doubt_classes(text)[trigger] == cls


def test_doubt_word_inside_a_fixed_term_casts_no_doubt():
    # a doubt word inside a fixed banking term casts no doubt; outside it, it does
    assert _doubt_classes("Банк сообщил о сомнительных операциях по счёту.")["сомнительных"] == "doubt_marker.term"
    assert _doubt_classes("Эти сомнительные реформы ничего не дали.")["сомнительные"] == "doubt_marker"


def test_word_sense_of_doubt_and_loaded_entries(every):
    # a pen name is not a «псевдо-» word, a wind that blew is not «дутый», being angry is not «зло»
    for text in ("Певец сменил псевдоним и выпустил новый альбом.", "Всю ночь с моря дул холодный ветер.",
                 "Я был зол на себя за опоздание."):
        assert [f for f in every.analyze(Document.from_text(text)).items
                if f["technique"] in ("Doubt", "Loaded_Language")] == [], text


def test_charged_sentence_is_a_context_condition(every):
    doc = Document.from_text("Это циничное враньё и позорный фарс. Погода вчера была омерзительной.")
    cands, _ = every.candidates(doc)
    flags = {doc.text[c.start:c.end]: c.flags for c in cands if c.technique == "Loaded_Language"}
    assert "charged" in flags["враньё"]  # another charged word in its sentence
    assert "charged" not in flags["омерзительной"]  # alone in its sentence


def test_a_repeated_lexicon_entry_is_an_error(tmp_path):
    path = tmp_path / "twice.toml"
    path.write_text('[lexicon]\nname = "twice"\nversion = "1"\n[categories.Doubt]\n'
                    'terms = ["якобы", {pattern = "якобы", confidence = 0.9}]\n', encoding="utf-8")
    with pytest.raises(LexiconError, match="'якобы' of category 'Doubt' is listed twice"):
        RhetoricAnalyzer(lexicons=[path]).analyze(Document.from_text("Он якобы ушёл."))


def test_descriptive_label_is_not_name_calling_by_default():
    # «диктатор» also describes; only insults are Name_Calling by default, and a literal animal is none
    for text in ("Бывший диктатор покинул страну после выборов.",
                 "В заповеднике видели шакала и двух гиен у водопоя."):
        assert RhetoricAnalyzer().analyze(Document.from_text(text)).items == []


def test_reframing_and_scare_quotes_come_from_the_stance_layer():
    from kzmedia.stance import CONTRASTED, DISTANCED, StanceIndex

    def devices(text):
        doc = Document.from_text(text)
        return doc, [(d["device"], d["text"]) for d in RhetoricAnalyzer().analyze(doc).devices]

    doc, devs = devices("Речь идёт не о давлении, а о партнёрстве.")
    assert ("contrastive_reframing", "не о давлении, а о партнёрстве.") in devs
    assert StanceIndex.of(doc).span(doc.text.index("давлении"), doc.text.index("давлении") + 8).label == CONTRASTED
    assert devices("Он не пришёл, но позвонил вечером домой.")[1] == []  # a contrast, not a reframing
    assert ("contrastive_reframing", "не столько деньги, сколько обещания.") in \
        devices("Он получил не столько деньги, сколько обещания.")[1]
    doc, devs = devices("Их «дружба» держится на кредитах. Он сказал: «никаких переговоров». Фильм «Белое солнце» шёл.")
    assert [d for d in devs if d[0] == "scare_quotes"] == [("scare_quotes", "«дружба»")]
    i = doc.text.index("дружба")
    assert StanceIndex.of(doc).span(i, i + 6).label == DISTANCED


def test_default_disabled_can_be_enabled():
    text = "Иными словами, они хотят, чтобы мы поверили, будто реформа ничего не стоит."
    off = RhetoricAnalyzer().analyze(Document.from_text(text)).to_dict()
    assert "Straw_Man" in DEFAULT_DISABLED
    assert "Straw_Man" not in off["profile"]["by_technique"]
    on = RhetoricAnalyzer(enabled_techniques=["Straw_Man"], min_confidence=0.0).analyze(Document.from_text(text)).to_dict()
    assert "Straw_Man" in on["profile"]["by_technique"]


def test_hypocrisy(every):
    _, res = run(every, "Они говорят о свободе, а сами закрывают газеты: типичные двойные стандарты.")
    assert "Appeal_to_Hypocrisy" in res["profile"]["by_technique"]


def test_options_through_the_pipeline_config():
    pipe = Pipeline(["rhetoric"], config={"rhetoric": {
        "min_confidence": 0.6, "disabled_techniques": ["Loaded_Language"], "enabled_techniques": ["Slogans"],
        "patterns": [{"pattern": "дружба навек", "technique": "Slogans", "confidence": 0.9}]}})
    res = pipe.analyze("Он повторял, что дружба навек, хотя это чудовищная и позорная ошибка.").result("rhetoric")
    assert "Loaded_Language" not in res["profile"]["by_technique"]
    slog = [f for f in res["findings"] if f["technique"] == "Slogans" and f["device"] == "lexicon"]
    assert slog and slog[0]["text"] == "дружба навек"
    assert all(f["confidence"] >= 0.6 for f in res["findings"])


def test_user_lexicon_file(tmp_path):
    path = tmp_path / "my.toml"
    path.write_text(
        '[lexicon]\nname = "my-rhetoric"\nversion = "1"\n'
        '[categories.Appeal_to_Time]\nconfidence = 0.8\nterms = ["часики тикают"]\n'
        '[categories.cheers]\ntechnique = "Slogans"\ndevice = "slogan"\nconfidence = 0.9\nterms = ["ура"]\n',
        encoding="utf-8")
    pipe = Pipeline(["rhetoric"], extra_lexicons={"rhetoric": [path]},
                    config={"rhetoric": {"enabled_techniques": ["Slogans"]}})
    res = pipe.analyze("Часики тикают, а реформы всё нет, и только ура кричат на площади.").result("rhetoric")
    assert "my-rhetoric@1" in res["lexicon_version"]
    got = {(f["technique"], f["text"]) for f in res["findings"]}
    assert ("Appeal_to_Time", "Часики тикают") in got
    assert ("Slogans", "ура") in got


def test_bad_user_input_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="unknown technique"):
        RhetoricAnalyzer(disabled_techniques=["Propaganda"])
    with pytest.raises(LexiconError, match="unknown technique"):
        RhetoricAnalyzer(patterns=[{"pattern": "ура", "technique": "Cheering"}]).analyze(Document.from_text("ура"))
    with pytest.raises(ConfigError, match="unknown option"):
        RhetoricAnalyzer(min_confidense=0.3)
    with pytest.raises(ConfigError, match="unknown detector"):
        RhetoricAnalyzer(detectors={"sarcasm": True})
    bad = tmp_path / "bad.toml"
    bad.write_text('[lexicon]\nname = "x"\nversion = "1"\n[categories.cheers]\nterms = ["ура"]\n',
                   encoding="utf-8")
    with pytest.raises(LexiconError, match="names no 'technique'"):
        Pipeline(["rhetoric"], extra_lexicons={"rhetoric": [bad]})


# --- the shared gold texts ---------------------------------------------------------------------------

def _matches(finding: dict, expectation: dict) -> bool:
    if expectation.get("techniques") and finding["technique"] not in expectation["techniques"]:
        return False
    return "device" not in expectation or finding["device"] == expectation["device"]


#: share of the seeds' hand-read expectations the default settings meet (a finding with one of
#: the techniques, or the device among devices[]). Not all: the default reports only techniques
#: that pass the held-out precision bar, and nothing was fitted to these texts (docs/rhetoric.md).
SEED_RECALL_FLOOR = 0.4


def test_gold_rhetoric_expectations(gold, seed_texts):
    pipe = Pipeline(["rhetoric"], config={"rhetoric": LOADED})
    met, expected = [], 0
    for name, spec in gold["texts"].items():
        doc = Document.from_file(seed_texts[name])
        res = pipe.analyze(doc).result("rhetoric")
        for exp in spec.get("rhetoric", []):
            a = doc.text.index(exp["quote"])
            b = a + len(exp["quote"])
            expected += 1
            if any(f["start"] < b and a < f["end"] and _matches(f, exp) for f in res["findings"]) or any(
                    d["start"] < b and a < d["end"] and d["device"] == exp.get("device") for d in res["devices"]):
                met.append(exp["quote"])
        limit = spec.get("max_rhetoric_per_1000_words")
        if limit is not None:
            assert res["profile"]["per_1000_words"] <= limit, (name, res["findings"])
    assert expected >= 20
    assert len(met) / expected >= SEED_RECALL_FLOOR, (len(met), expected, met)
