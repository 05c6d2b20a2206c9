"""kzmedia.stance on sentences written for these tests: each construction, both ways."""

import pytest

import kzmedia
from kzmedia import Document
from kzmedia.stance import ASSERTING, DATA_VERSION, LABELS, Stance, StanceIndex, stance_of


def _stance(text: str, word: str, nth: int = 0) -> Stance:
    doc = Document.from_text(text)
    i = -1
    for _ in range(nth + 1):
        i = text.index(word, i + 1)
    return StanceIndex.of(doc).span(i, i + len(word))


CASES = [
    # negation
    ("Казахстан не рассматривает альянс как угрозу.", "угрозу", "negated"),
    ("Казахстан рассматривает альянс как угрозу.", "угрозу", "asserted"),
    ("Никакой угрозы для соседей эти учения не несут.", "угрозы", "negated"),
    ("Серьёзной опасности на границе нет.", "опасности", "negated"),
    ("Серьёзная опасность на границе есть.", "опасность", "asserted"),
    ("Торговля развивается без давления извне.", "давления", "negated"),
    ("Это не только торговля, но и доверие.", "торговля", "asserted"),
    ("Вторжение с севера исключено.", "Вторжение", "negated"),
    ("Вторжение с севера не исключено.", "Вторжение", "hypothetical"),
    ("Правительство не скрывает, что считает санкции угрозой.", "санкции", "asserted"),
    # contrast
    ("Соглашение строится не на зависимости, а на равноправии.", "зависимости", "contrasted"),
    ("Соглашение строится не на зависимости, а на равноправии.", "равноправии", "asserted"),
    ("Это не столько экономика, сколько большая политика.", "экономика", "contrasted"),
    ("Это не столько экономика, сколько большая политика.", "политика", "asserted"),
    ("Республике нужен диалог, а не конфронтация.", "конфронтация", "contrasted"),
    ("Республике нужен диалог, а не конфронтация.", "диалог", "asserted"),
    ("Вместо интеграции страны выбрали соперничество.", "интеграции", "contrasted"),
    ("Вместо интеграции страны выбрали соперничество.", "соперничество", "asserted"),
    # distance
    ("Чиновники снова хвалят «стратегическое партнёрство» с соседом.", "партнёрство", "distanced"),
    ("Чиновники снова хвалят стратегическое партнёрство с соседом.", "партнёрство", "asserted"),
    ("Так называемая многовекторность свелась к уступкам.", "многовекторность", "distanced"),
    ("Многовекторность свелась к уступкам.", "Многовекторность", "asserted"),
    ("Соседи якобы готовят вмешательство.", "вмешательство", "distanced"),
    ("Мнимая независимость регулятора никого не обманула.", "независимость", "distanced"),
    # hypothetical
    ("Если бы началась война, пострадали бы все.", "война", "hypothetical"),
    ("Началась война, пострадали все.", "война", "asserted"),
    ("Возможно, соседи усилят давление.", "давление", "hypothetical"),
    ("Хотя бы часть кредитов вернётся.", "кредитов", "asserted"),
    # questioned and answered
    ("Грозит ли республике вторжение? Нет, не грозит.", "вторжение", "questioned"),
    ("Грозит ли республике вторжение? Да, грозит.", "вторжение", "asserted"),
    ("Грозит ли республике вторжение? Нет сомнений, что грозит.", "вторжение", "asserted"),
    # names and titles
    ("Учения «Стальной щит» прошли под Актобе.", "щит", "named"),
    # reported
    ("По словам министра финансов, дефицит бюджета сократится.", "дефицит", "reported"),
    ("Министр Сапаров заявил, что дефицит бюджета сократится.", "дефицит", "reported"),
    ("Я считаю, что дефицит бюджета сократится.", "дефицит", "asserted"),
]


@pytest.mark.parametrize("text, word, label", CASES)
def test_constructions(text, word, label):
    assert _stance(text, word).label == label


def test_evidence_spans_point_into_the_text():
    text = "По словам министра финансов, никакого дефицита не будет."
    doc = Document.from_text(text)
    i = text.index("дефицита")
    s = stance_of(doc, i, i + 8)
    assert s.label == "negated" and not s.asserted
    assert text[s.cue_start:s.cue_end] == s.cue == "никакого"
    assert text[s.speaker_start:s.speaker_end] == s.speaker == "министра финансов"
    assert s.to_dict()["speaker"] == "министра финансов" and "kind" in s.to_dict()


def test_speaker_named_after_the_verb_and_not_reported_itself():
    text = "— Дефицит сократится, — заявил министр Сапаров."
    s = _stance(text, "Дефицит")
    assert s.label == "reported" and s.speaker == "министр Сапаров"
    assert _stance(text, "Сапаров").label == "asserted"


def test_the_negation_stays_in_its_clause_and_its_window():
    assert _stance("Он не пришёл, и кризис углубился.", "кризис").label == "asserted"
    text = "Ведомство не стало публиковать никому тогда заранее ещё прогноз по кризису."
    assert _stance(text, "кризису").label == "asserted"  # too far from the «не»


def test_index_is_kept_on_the_document_and_labels_are_public():
    doc = Document.from_text("Угрозы нет.")
    assert StanceIndex.of(doc) is StanceIndex.of(doc)
    assert set(ASSERTING) <= set(LABELS) and DATA_VERSION
    assert kzmedia.StanceIndex is StanceIndex and kzmedia.Stance is Stance
    assert StanceIndex.of(doc).span(0, 0).label == "asserted"  # an empty span is plain


def test_core_negators_come_from_the_stance_data():
    from kzmedia import lexicon

    assert lexicon.NEGATORS is kzmedia.stance.NEGATORS and "отнюдь" in lexicon.NEGATORS


# a negated verb of thinking or stance denies the clause it governs; the same clause without the
# negation (or with a negated doubt) is asserted
DENIED = [
    ("Не думаю, что ответные пошлины последуют скоро.", "пошлины", "negated"),
    ("Думаю, что ответные пошлины последуют скоро.", "пошлины", "asserted"),
    ("Аналитик не считает, что санкции ослабят экономику.", "санкции", "negated"),
    ("Аналитик считает, что санкции ослабят экономику.", "санкции", "reported"),
    ("Нельзя сказать, что угроза со стороны соседей выросла.", "угроза", "negated"),
    ("Можно сказать, что угроза со стороны соседей выросла.", "угроза", "asserted"),
    ("Это не значит, что интеграция закончилась.", "интеграция", "negated"),
    ("Это значит, что интеграция закончилась.", "интеграция", "asserted"),
    ("Я не уверен в том, что кризис скоро закончится.", "кризис", "negated"),
    ("Я уверен в том, что кризис скоро закончится.", "кризис", "asserted"),
    ("Мы не можем сказать, что реформа провалилась.", "реформа", "negated"),
    ("Не факт, что инфляция замедлится.", "инфляция", "negated"),
    ("Я сомневаюсь, что инвестиции вернутся.", "инвестиции", "negated"),
    ("Я не сомневаюсь, что инвестиции вернутся.", "инвестиции", "asserted"),
    # the denied clause ends at «, но …»; a question does not deny
    ("Не думаю, что пошлины отменят, но давление на рынок вырастет.", "давление", "asserted"),
    ("Не думаю, что пошлины отменят, но давление на рынок вырастет.", "пошлины", "negated"),
    ("Не думаете ли вы, что кризис закончится?", "кризис", "asserted"),
    # a «не» that negates something else leaves the «что» clause alone
    ("Он не пришёл, потому что кризис углубился.", "кризис", "asserted"),
]


@pytest.mark.parametrize("text, word, label", DENIED)
def test_negated_verbs_of_thinking_deny_their_clause(text, word, label):
    assert _stance(text, word).label == label


def test_a_denied_clause_names_its_cue():
    text = "Правительство не считает, что тарифы вырастут."
    s = _stance(text, "тарифы")
    assert (s.label, s.kind, s.cue) == ("negated", "denied_thought", "не считает")
    assert text[s.cue_start:s.cue_end] == s.cue


# stance 2026.12.3: negative-polarity words, claims called lies, pretexts and forecasts, each with
# the same words asserted
MORE = [
    ("Фонд не даёт денег на рекламу какой-либо партии.", "партии", "negated"),
    ("Фонд даёт деньги на рекламу любой партии.", "партии", "asserted"),
    ("Какой-либо партии фонд денег не давал.", "партии", "asserted"),  # «не» after the span: its own clause
    ("Сообщения о массовых арестах оказались ложью.", "арестах", "negated"),
    ("Сообщения о массовых арестах подтвердились.", "арестах", "asserted"),
    ("Слухи о вспышке холеры в районе — фейк.", "холеры", "negated"),
    ("Слухи о вспышке холеры в районе подтвердились.", "холеры", "asserted"),
    ("Чиновник снова лжёт своим избирателям.", "избирателям", "asserted"),
    ("Под предлогом защиты соотечественников соседи стянули войска к границе.", "защиты", "distanced"),
    ("Ради защиты соотечественников соседи стянули войска к границе.", "защиты", "asserted"),
    ("По прогнозам банка, инфляция к лету ускорится.", "инфляция", "hypothetical"),
    ("По данным банка, инфляция к лету ускорилась.", "инфляция", "reported"),
    ("Синоптики предсказывают, что засуха ударит по урожаю.", "засуха", "hypothetical"),
    ("Синоптики сообщают, что засуха ударила по урожаю.", "засуха", "reported"),
]


@pytest.mark.parametrize("text, word, label", MORE)
def test_polarity_lies_pretexts_and_forecasts(text, word, label):
    assert _stance(text, word).label == label


def test_the_words_describing_a_lie_are_not_denied():
    text = "Это позорная и бесстыдная ложь о заводе."
    assert _stance(text, "позорная").label == "asserted"
    assert _stance(text, "заводе").label == "negated"


def test_a_lie_denies_its_clause_not_the_next_one():
    text = "Слухи о дефиците бензина оказались ложью, но очереди на заправках выросли."
    assert _stance(text, "дефиците").label == "negated"
    assert _stance(text, "очереди").label == "asserted"
