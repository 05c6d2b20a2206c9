"""Framing evidence precision: what a single word, a name, a body's title or a topic cannot do.

All texts are written for these tests (not taken from any corpus).
"""

from __future__ import annotations

import pytest

from kzmedia_framing import FramingAnalyzer, PresenceRule

# one general word («цена»), however often repeated, and nothing else of the Economic frame
ONE_WORD = ("Цена на хлеб в посёлке обсуждалась всё лето. Цена молока тоже. Цена, цена и ещё раз цена — "
            "только это слово и звучало в разговорах соседей у подъезда.")
SEVERAL_CUES = "Цены на хлеб выросли, инфляция съела зарплаты, а налоги подняли ещё раз. Цены на бензин тоже растут."


@pytest.fixture(scope="module")
def analyzer():
    return FramingAnalyzer()


def evidence(analyzer, text: str, frame: str) -> list[str]:
    return [e.text for e in analyzer.analyze(text).frame(frame).evidence]


def test_one_general_word_cannot_make_a_frame_present(analyzer):
    result = analyzer.analyze(ONE_WORD)
    economic = result.frame("Economic")
    assert economic.hits >= 5 and economic.score > 8.0  # scored: the word is evidence …
    assert not economic.present                          # … but one word is not a frame
    # the distinct-entries condition is what decides: without it the same text would be Economic
    lax = FramingAnalyzer(presence_generic={"min_entries": 1})
    assert lax.analyze(ONE_WORD).frame("Economic").present
    assert analyzer.analyze(SEVERAL_CUES).frame("Economic").present


def test_presence_rule_counts_distinct_entries():
    rule = PresenceRule(min_score=8.0, min_hits=2, max_rank=1, min_entries=2)
    assert rule(score=20.0, hits=4, rank=1, share=0.5, entries=2)
    assert not rule(score=20.0, hits=4, rank=1, share=0.5, entries=1)


def test_a_body_named_in_passing_is_not_a_frame_cue(analyzer):
    assert evidence(analyzer, "На встрече в Алматы выступил представитель ООН. Потом гости пили чай.",
                    "External_regulation_and_reputation") == []
    # beside a common-word cue of the frame the name counts
    text = "ООН ввела санкции против режима, и международное сообщество осудило его действия."
    assert "ООН" in evidence(analyzer, text, "External_regulation_and_reputation")


def test_words_in_a_bodys_name_chain_do_not_count(analyzer):
    assert evidence(analyzer, "Комиссия городского совета по делам молодёжи и спорту собралась в среду.",
                    "Cultural_identity") == []
    text = "Спорт в маленьких городах держится на энтузиастах: спортсмены тренируются в старых залах."
    assert "Спорт" in evidence(analyzer, text, "Cultural_identity")


def test_a_persons_title_before_the_name_does_not_count(analyzer):
    assert evidence(analyzer, "Вечером политик Ерлан Сапаров открыл выставку картин.", "Political") == []
    assert "Политики" in evidence(analyzer, "Политики спорят о выборах, а партии готовят списки.", "Political")


def test_a_domain_topic_alone_is_not_its_frame(analyzer):
    topic = "Новая железная дорога проходит через три области и пересекает две реки."
    assert evidence(analyzer, topic, "transit_logistics") == []
    framed = ("Железная дорога через Казахстан стала главным транзитным коридором из Китая в Европу, "
              "и транзит грузов растёт.")
    assert "Железная дорога" in evidence(analyzer, framed, "transit_logistics")


def test_units_give_no_context_to_each_other(analyzer):
    text = "В отчёте стояли две цифры: три млн тонн и два млн гектаров."
    assert evidence(analyzer, text, "Capacity_and_resources") == []


@pytest.mark.parametrize("text, present", [
    ("В стране растёт инфляция и продолжается рост цен, пишет газета.", True),
    ("Никакой инфляции и никакого роста цен в стране нет, пишет газета.", False),
])
def test_stance_both_directions_with_several_cues(analyzer, text, present):
    result = analyzer.analyze(text)
    assert result.frame("Economic").present is present
    assert (result.frame("Economic").stance == "rejected") is (not present)
