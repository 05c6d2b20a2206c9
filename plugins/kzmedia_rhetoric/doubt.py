"""Doubt's context conditions: when a doubt word puts a claim or an actor's credibility in question.

A doubt word (``doubt_marker`` in ``data/attack.toml``) casts doubt only in some uses; the others
name, report or talk about falsehood. :func:`doubt_class` reads the word's context and returns the
trigger class the calibration knows the reading by (``[doubt]`` in ``data/tuning.toml`` holds the
word sets; docs/rhetoric.md the rules). Doubt is off by default since rhetoric 3.2 (a blind audit
of news put even the ``doubt_marker`` reading under the precision bar); a user who enables it gets
every reading, each with its calibrated confidence:

* ``doubt_marker.naming`` — «так называемый» before a capitalised or quoted name, a Latin word or
  a number («так называемое «Исламское государство»», «так называемый План Б»): Russian news uses
  it to introduce a name, not to doubt it;
* ``doubt_marker.term`` — «так называемый» before a lower-case term that claims nothing
  («так называемый углеродный след»); before a word that claims legitimacy or value, or an actor
  («так называемые миротворцы», «так называемая оппозиция») it stays ``doubt_marker``; and a
  doubt word that is part of a fixed term of banking or law («сомнительные операции»);
* ``doubt_marker.reported`` — a hearsay word («якобы», «будто бы») in a neutral reporting frame:
  reported speech that the core stance layer reads as «по словам X», «по данным X» or a verb that
  relays information («X сообщил, что …», «пишет X»), or a sentence that reports an unconfirmed
  account («ходят слухи», «по неофициальным сведениям»). The report is hedged; nobody's credibility
  is attacked. A hearsay word in a direct quotation or after a polemical verb («X заявил, что Запад
  якобы …», «обвинил в том, что …») stays ``doubt_marker``: the speaker puts a claim in question;
* ``doubt_marker.topic`` — a word for fakes or disinformation (``doubt_marker.fake``) as the topic
  of the sentence («бороться с фейками», «закон о фейках», «распространение дезинформации»);
  other uses stay ``doubt_marker.fake`` (an accusation of falsehood, weighed apart).
"""

from __future__ import annotations

from kzmedia.document import Document
from kzmedia.stance import Stance

from .tuning import TUNING

_DOUBT = TUNING["doubt"]
_SO_CALLED = tuple(_DOUBT["so_called_forms"])
#: lemmas after «так называемый» that make it doubt: a claim of legitimacy or value, or an actor
_CLAIMS = frozenset(TUNING["words"]["irony"]) | frozenset(TUNING["target"]["actor_nouns"]) \
    | frozenset(_DOUBT["claimed"])
_HEDGES = frozenset(_DOUBT["hedges"])
_REPORT_FRAME = frozenset(_DOUBT["report_frame"])
_RELAY_VERBS = frozenset(_DOUBT["relay_verbs"])
_TOPIC_FRAME = frozenset(_DOUBT["topic_frame"])
_TOPIC_WINDOW = int(_DOUBT["topic_window"])
#: (doubt word lemma, the lemmas after it that make a fixed term with it)
_TERMS = {lemma: frozenset(after) for lemma, after in _DOUBT["terms"].items()}
_NAME_OPENERS = frozenset("«\"„“'")
#: the lexicon classes whose candidates this module reads again
CLASSES = frozenset({"doubt_marker", "doubt_marker.fake"})


def _next_words(document: Document, end: int, n: int) -> list[int]:
    """Indices of up to ``n`` word tokens right after ``end`` in the same clause."""
    tokens = document.tokens
    out = []
    i = tokens.index_at(end)
    while i < len(tokens) and len(out) < n:
        if tokens.is_word(i):
            out.append(i)
        elif tokens.surface(i) in ",.;:!?()—–-":
            break
        i += 1
    return out


def _so_called(document: Document, end: int) -> str:
    text = document.text
    k = end
    while k < len(text) and text[k] == " ":
        k += 1
    if k >= len(text):
        return "doubt_marker.term"
    ch = text[k]
    if ch in _NAME_OPENERS or ch.isupper() or ch.isdigit() or ("a" <= ch.lower() <= "z"):
        return "doubt_marker.naming"
    tokens = document.tokens
    if any(tokens.lemma(i) in _CLAIMS for i in _next_words(document, end, 2)):
        return "doubt_marker"
    return "doubt_marker.term"


def _sentence_lemmas(document: Document, start: int) -> tuple[list[int], int]:
    """The word tokens of the sentence holding ``start`` and the index of the token at ``start``."""
    tokens = document.tokens
    t = tokens.index_at(start)
    k = document.sentence_index()[t] if t < len(tokens) else -1
    if k < 0:
        return [t], t
    s = document.sentences[k]
    return [i for i in range(s.token_start, s.token_end) if tokens.is_word(i)], t


def _neutral_report(document: Document, stance: Stance) -> bool:
    """True when the stance layer reads the span as relayed information, not a quotation or polemic."""
    if stance.kind == "according_to":
        return True
    if stance.kind == "verb" and stance.cue_start is not None:
        tokens = document.tokens
        return tokens.lemma(tokens.index_at(stance.cue_start)) in _RELAY_VERBS
    return False


def doubt_class(document: Document, start: int, end: int, cls: str, stance: Stance) -> str:
    """The trigger class of a Doubt candidate on ``text[start:end]`` of lexicon class ``cls``;
    ``stance`` is the core stance layer's reading of the span."""
    tokens = document.tokens
    trigger = document.text[start:end].lower()
    if cls == "doubt_marker" and trigger.startswith(_SO_CALLED):
        return _so_called(document, end)
    first = tokens.index_at(start)
    after = _TERMS.get(tokens.lemma(first))
    if after and any(tokens.lemma(i) in after for i in _next_words(document, end, 1)):
        return "doubt_marker.term"
    words, t = _sentence_lemmas(document, start)
    if cls == "doubt_marker" and " ".join(trigger.split()).replace("ё", "е") in _HEDGES:
        if _neutral_report(document, stance) or any(tokens.lemma(i) in _REPORT_FRAME for i in words):
            return "doubt_marker.reported"
        return cls
    if cls == "doubt_marker.fake":
        before = [i for i in words if i < t][-_TOPIC_WINDOW:]
        if any(tokens.lemma(i) in _TOPIC_FRAME or tokens.norm(i) in _TOPIC_FRAME for i in before):
            return "doubt_marker.topic"
    return cls


__all__ = ["CLASSES", "doubt_class"]
