"""Syntactic detectors: persuasion devices recognised by shape rather than by vocabulary.

Each detector reads the document's token columns, sentences and punctuation once and yields
candidates ``(start, end, technique, device, trigger, confidence, trigger_class, flags)``:
``technique`` is None for a device that implies no technique by itself (an exclamation);
``trigger_class`` and ``flags`` (the context conditions met) are the features the calibration
(``data/calibration.toml``) maps to a probability. No per-token objects are
built; regular expressions run over sentence text where punctuation carries the signal.

The context conditions that lexicon entries may require (``when = "consequence"`` …) live here
too, as :class:`SentenceContext`: per-sentence facts computed lazily, once per sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from kzmedia.stance import CONTRASTED, DISTANCED, StanceIndex
from kzmedia.text import WORD

from .tuning import TUNING

#: the word sets the detectors and context conditions read (data/tuning.toml, [words])
WORDS: dict[str, list[str]] = TUNING["words"]

Candidate = tuple  # (start, end, technique, device, trigger, confidence, trigger_class, flags)

# --- sentence context ----------------------------------------------------------------------------

#: lemmas that make a danger word an argument: a consequence, a condition, a risk is asserted
_CONSEQUENCE_LEMMAS = frozenset(WORDS["consequence"])
#: lemmas that make a value word a justification: purpose, obligation, defence, appeal
_JUSTIFY_LEMMAS = frozenset(WORDS["justification"])
_WE_LEMMAS = frozenset(WORDS["we"])
_QUOTE_CHARS = "«»\"„“”"


class SentenceContext:
    """Lazily computed facts about each sentence of one document (what ``when`` conditions test)."""

    __slots__ = ("doc", "tokens", "sentences", "sentence_of", "_facts")

    def __init__(self, doc):
        self.doc = doc
        self.tokens = doc.tokens
        self.sentences = doc.sentences
        self.sentence_of = doc.sentence_index()
        self._facts: dict[int, tuple] = {}

    def facts(self, k: int) -> tuple:
        """``(words, has_consequence, has_justification, has_we, has_future, has_target)`` of
        sentence ``k``; a *target* is a named person, group or state (a capitalised word after
        the first, or a name/place/organisation by its grammemes)."""
        f = self._facts.get(k)
        if f is None:
            seg = self.sentences[k]
            infos = self.tokens.infos
            words = 0
            cons = just = we = fut = target = False
            text = self.doc.text
            starts = self.tokens.starts
            for i in range(seg.token_start, seg.token_end):
                info = infos[i]
                if info.kind != WORD:
                    continue
                words += 1
                if not target and words > 1 and text[starts[i]].isupper():
                    target = True
                lemma = info.lemma
                tag = info.tag or ""
                if lemma in _CONSEQUENCE_LEMMAS:
                    cons = True
                if lemma in _JUSTIFY_LEMMAS:
                    just = True
                if lemma in _WE_LEMMAS:
                    we = True
                if "futr" in tag or lemma == "будущее":
                    fut = cons = True
                if "impr" in tag:
                    just = cons = True
                if not target and ("Name" in tag or "Surn" in tag or "Geox" in tag or "Orgn" in tag):
                    target = True
            f = self._facts[k] = (words, cons, just, we, fut, target)
        return f

    def holds(self, when: str | None, token_start: int) -> bool:
        if not when:
            return True
        k = self.sentence_of[token_start]
        if k < 0:
            return False
        words, cons, just, we, fut, target = self.facts(k)
        if when == "consequence":
            return cons
        if when == "justification":
            return just
        if when == "we":
            return we
        if when == "future":
            return fut or cons
        if when == "short_sentence":
            return words <= 6
        if when == "target":
            return target
        raise ValueError(f"unknown context condition {when!r}")


# --- targets --------------------------------------------------------------------------------------

class Targets:
    """Is an actor named near a token? (the condition of Name_Calling and Questioning_the_Reputation)"""

    __slots__ = ("ctx", "window", "tags", "pronouns", "nouns", "_is")

    def __init__(self, ctx: SentenceContext, spec: dict):
        self.ctx = ctx
        self.window = int(spec["window"])
        self.tags = tuple(spec["tags"])
        self.pronouns = frozenset(spec["pronouns"])
        self.nouns = frozenset(w.lower() for w in spec["actor_nouns"])
        self._is: dict[int, bool] = {}

    def is_target(self, i: int, sentence_first: int) -> bool:
        v = self._is.get(i)
        if v is None:
            info = self.ctx.tokens.infos[i]
            v = False
            if info.kind == WORD:
                tag = info.tag or ""
                lemma = info.lemma
                capital = self.ctx.doc.text[self.ctx.tokens.starts[i]].isupper()
                v = (lemma in self.nouns or lemma in self.pronouns
                     or (capital and (i > sentence_first or any(t in tag for t in self.tags))))
            self._is[i] = v
        return v

    def near(self, i: int, j: int) -> bool:
        """An actor within ``window`` tokens of tokens ``i:j``, in the same sentence and clause side."""
        ctx = self.ctx
        k = ctx.sentence_of[i] if i < len(ctx.sentence_of) else -1
        if k < 0:
            return False
        seg = ctx.sentences[k]
        lo, hi = max(seg.token_start, i - 2 * self.window), min(seg.token_end, j + 2 * self.window)
        return any(self.is_target(t, seg.token_start) for t in range(lo, hi) if not (i <= t < j))


# --- detectors ---------------------------------------------------------------------------------

_ANSWER_MAX_WORDS = 6


def rhetorical_questions(ctx: SentenceContext) -> Iterator[Candidate]:
    """Questions in the author's voice (not inside quotation marks). A volley of short questions,
    «неужели», «разве», «ли», or a question the author answers at once in a short sentence make a
    stronger sign; a lone plain question is weak. The question is a device; the Doubt candidate
    carries these facts as flags for the calibration."""
    doc, tokens = ctx.doc, ctx.tokens
    text = doc.text
    sents = ctx.sentences
    n = len(sents)
    k = 0
    while k < n:
        seg = sents[k]
        body = text[seg.start:seg.end].rstrip(_QUOTE_CHARS + ") ")
        if not body.endswith("?"):
            k += 1
            continue
        # a question inside quotation marks is someone else's question (an interview, a citation)
        if _quote_depth(text, seg.start) > 0 or not _HAS_CYRILLIC(body):
            k += 1
            continue
        j = k
        while j + 1 < n and text[sents[j + 1].start:sents[j + 1].end].rstrip(_QUOTE_CHARS + ") ").endswith("?") \
                and _same_line(text, sents[j].end, sents[j + 1].start):
            j += 1
        first_norm = tokens.norm(seg.token_start) if seg.token_start < len(tokens) else ""
        norms = _norms(tokens, seg)
        flags = set()
        conf = 0.42
        if j > k:
            short = all(ctx.facts(q)[0] <= 5 for q in range(k, j + 1))
            flags.add("volley_short" if short else "volley")
            conf = 0.6 if short else 0.45
        if first_norm in ("неужели", "разве", "доколе") or norms & {"неужели", "разве", "ли", "же"}:
            flags.add("particle")
            conf = max(conf, 0.6)
        elif first_norm in ("а", "и", "но", "почему", "зачем", "кто", "откуда", "как"):
            flags.add("wh")
            conf = max(conf, 0.48)
        end = sents[j].end
        trigger = text[seg.start:end][:60]
        answered = False
        if j + 1 < n and _same_line(text, sents[j].end, sents[j + 1].start):
            nxt = sents[j + 1]
            words = ctx.facts(j + 1)[0]
            nb = text[nxt.start:nxt.end].rstrip(_QUOTE_CHARS + ") ")
            if 0 < words <= _ANSWER_MAX_WORDS and not nb.endswith("?"):
                answered = True
                flags.add("answered")
                yield (seg.start, nxt.end, None, "question_answer", text[seg.start:nxt.end][:60], 0.6,
                       "question_answer", frozenset())
        yield (seg.start, end, "Doubt", "rhetorical_question", trigger, conf, "question",
               frozenset(flags))
        k = j + 1 + (1 if answered else 0)


def _norms(tokens, seg):
    return {tokens.norm(i) for i in range(seg.token_start, seg.token_end)}


def _same_line(text: str, a: int, b: int) -> bool:
    return "\n" not in text[a:b]


def _quote_depth(text: str, offset: int) -> int:
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    depth = before.count("«") - before.count("»")
    if before.count('"') % 2:
        depth += 1
    return max(depth, 0)


_HAS_CYRILLIC = re.compile(r"[\u0400-\u04ff]").search
# the opening quote first, then "no letter before it" (a lookbehind over quote + one character):
# a pattern that starts with a character class is scanned for in C, one that starts with a
# lookbehind is tried at every position (four times slower on news text)
_SCARE_RE = re.compile(r"([«\"„“])(?<!\w[«\"„“])([^«»\"„“”\n]{2,60}?)([»\"“”])")
_SPEECH_LEMMAS = frozenset(WORDS["speech"])


#: legitimising words: put in quotes, they are mocked, and the claim behind them doubted
_IRONY_LEMMAS = frozenset(WORDS["irony"])
_CALLED = frozenset(WORDS["so_called"])


def scare_quotes(ctx: SentenceContext) -> Iterator[Candidate]:
    """A short lower-case phrase in quotes inside a sentence: the author distances from the term.

    Whether quotation marks are scare quotes is the core stance layer's decision
    (:class:`kzmedia.stance.StanceIndex`: ``distanced`` by ``scare_quotes`` — short, lower case,
    not a quotation after a colon, not a title); this detector only adds what rhetoric needs on
    top: Russian words, no digits or sentence punctuation inside. The quotes are a device; they
    cast *doubt* when the quoted word is a legitimising one (партнёрство, демократия, эксперты…)
    or is introduced as "так называемый", and they mark the word as loaded otherwise."""
    text = ctx.doc.text
    tokens = ctx.tokens
    stance = StanceIndex.of(ctx.doc)
    for m in _SCARE_RE.finditer(text):
        inner = m.group(2)
        words = inner.split()
        if inner[:1].isupper() and 2 <= len(words) <= 7:
            # a quoted call: «Возьмёмся за руки!», «Прекратите …» — a slogan being cited or coined
            ti, tj = tokens.index_at(m.start()), tokens.index_at(m.end() - 1)
            bang = inner.rstrip()[-1:] == "!" or text[m.end():m.end() + 1] == "!"
            imperative = any("impr" in (tokens.tag(i) or "") for i in range(ti + 1, tj))
            if bang or imperative:
                flags = frozenset(f for f, on in (("imperative", imperative), ("bang", bang)) if on)
                yield (m.start(), m.end(), "Slogans", "slogan", m.group(), 0.6 if bang and imperative else 0.55,
                       "quoted_call", flags)
            continue
        st = stance.span(m.start(2), m.end(2))
        if st.label != DISTANCED or st.kind != "scare_quotes" or st.cue_start != m.start():
            continue  # the core does not read these quotes as scare quotes
        if not _HAS_CYRILLIC(inner):
            continue  # a quoted foreign word or interface text, not a Russian term held at a distance
        if inner.rstrip()[-1:] in ".!?…," or any(ch.isdigit() for ch in inner):
            continue  # a quoted sentence or a date, not a term
        ti = tokens.index_at(m.start())
        tj = tokens.index_at(m.end() - 1)
        inner_lemmas = {tokens.lemma(i) for i in range(ti + 1, tj)}
        before_lemmas = {tokens.lemma(i) for i in range(max(0, ti - 3), ti)}
        reported = bool(before_lemmas & _SPEECH_LEMMAS)
        if before_lemmas & _CALLED:
            cls, conf = "so_called", 0.75
        elif inner_lemmas & _IRONY_LEMMAS:
            cls, conf = "irony_word", 0.6
        else:
            cls, conf = "plain", 0.35
        flags = frozenset({"speech_verb"}) if reported else frozenset()
        yield (m.start(), m.end(), "Doubt", "scare_quotes", m.group(), conf, cls, flags)
        if cls == "plain" and not reported and not _speech_in_sentence(ctx, ti):
            # a short quoted phrase in a sentence that reports speech is a quotation, not scare quotes
            yield (m.start(), m.end(), "Loaded_Language", "scare_quotes", m.group(),
                   0.45 if reported else 0.55, cls, flags)


def _speech_in_sentence(ctx: SentenceContext, i: int) -> bool:
    k = ctx.sentence_of[i] if i < len(ctx.sentence_of) else -1
    if k < 0:
        return False
    seg = ctx.sentences[k]
    tokens = ctx.tokens
    return any(tokens.lemma(j) in _SPEECH_LEMMAS or tokens.norm(j) == "словам"
               for j in range(seg.token_start, seg.token_end))


_FRAME_OPENERS = frozenset(WORDS["frame_openers"])


def contrastive_reframing(ctx: SentenceContext, technique: str) -> Iterator[Candidate]:
    """"Это не X, а Y", "речь не о X, а о Y", "не столько X, сколько Y": one reading imposed.

    The contrast itself is the core stance layer's (``contrasted`` by ``not_x_but_y`` or
    ``not_so_much``: the X after «не» is contrasted away); only «не просто X — это Y», which the
    core does not read as a contrast, is recognised here by shape."""
    tokens, text = ctx.tokens, ctx.doc.text
    infos = tokens.infos
    stance = StanceIndex.of(ctx.doc)
    for seg in ctx.sentences:
        a, b = seg.token_start, seg.token_end
        if b - a < 4:
            continue
        for i in range(a, b - 2):
            if infos[i].norm != "не":
                continue
            nxt = infos[i + 1].norm
            simply = nxt in ("просто", "только", "столько", "совсем", "про", "о", "об", "в")
            opener = False
            k = i - 1
            while k >= a and infos[k].kind != WORD:
                k -= 1
            if k >= a and infos[k].norm in _FRAME_OPENERS:
                opener = True
            x = i + 2 if nxt == "столько" else i + 1
            st = stance.tokens_stance(x, x + 1)
            contrast = (st.label == CONTRASTED and st.kind in ("not_x_but_y", "not_so_much")
                        and st.cue_start == tokens.starts[i])
            if contrast and not opener and st.kind == "not_x_but_y":
                # «он не пришёл, но позвонил» is a contrast, not a reframing: without an opener
                # («это», «речь», «дело» …) only «не X, а Y» imposes the other reading
                contrast = any(infos[j].norm in (",", "-") and infos[j + 1].norm == "а"
                               for j in range(i + 2, min(b - 1, i + 12)))
            # «не просто X — это Y» (not a contrast to the core), within 10 tokens
            for j in range(i + 2, min(b - 1, i + 12)):
                if contrast or (nxt == "просто" and infos[j].norm in ("-", ",", ":") and infos[j + 1].norm == "это"):
                    start = tokens.starts[k] if opener else tokens.starts[i]
                    trigger = text[start:seg.end][:80]
                    flags = frozenset({"opener"} if opener else ())
                    # the alternative reading is asserted, the accepted one doubted
                    yield (start, seg.end, "Doubt", "contrastive_reframing", trigger,
                           0.55 if opener else 0.45, "not_x_but_y", flags)
                    if opener and simply:
                        # "это не просто X — это Y": the only admissible reading, slogan-like
                        yield (start, seg.end, technique, "contrastive_reframing", trigger, 0.6,
                               "not_simply_x", flags)
                    break
            else:
                continue  # this «не» opens no contrast: try the next one
            break  # one reframing per sentence


_THREAT_START = frozenset(WORDS["threat_start"])


def threat_conditionals(ctx: SentenceContext, technique: str) -> Iterator[Candidate]:
    """"Иначе …", "в противном случае …", "если не …, то …": a consequence threatened."""
    tokens, text = ctx.tokens, ctx.doc.text
    infos = tokens.infos
    for seg in ctx.sentences:
        a, b = seg.token_start, seg.token_end
        first = a
        while first < b and infos[first].kind != WORD:
            first += 1
        if first >= b:
            continue
        f = infos[first].norm
        if f in _THREAT_START or (f == "в" and first + 2 < b and infos[first + 1].norm == "противном"):
            yield (tokens.starts[first], seg.end, technique, "threat_conditional",
                   text[tokens.starts[first]:seg.end][:80], 0.7, "otherwise_initial", frozenset())
            continue
        for i in range(a, b - 1):
            n = infos[i].norm
            if n == "иначе" and i > a and infos[i - 1].norm in (",", "-", ";", ":"):
                yield (tokens.starts[i], seg.end, technique, "threat_conditional",
                       text[tokens.starts[i]:seg.end][:80], 0.65, "otherwise", frozenset())
                break
            if n == "если" and infos[i + 1].norm == "не":
                # "если не …, то …" (or a future-tense consequence after the comma)
                for j in range(i + 2, min(b - 1, i + 15)):
                    if infos[j].norm == "," and (infos[j + 1].norm == "то" or "futr" in (infos[j + 1].tag or "")):
                        yield (tokens.starts[i], seg.end, technique, "threat_conditional",
                               text[tokens.starts[i]:seg.end][:80], 0.6, "if_not", frozenset())
                        break
                break


_CONDITION_NORMS = frozenset(WORDS["condition"])


def conditional_consequences(ctx: SentenceContext) -> Iterator[Candidate]:
    """"Если …, то … будет", "в случае …", "без X … бы": an outcome asserted as following from a
    condition (a future or counterfactual consequence in the same sentence)."""
    tokens, text = ctx.tokens, ctx.doc.text
    infos = tokens.infos
    for seg in ctx.sentences:
        a, b = seg.token_start, seg.token_end
        cond = -1
        for i in range(a, b):
            n = infos[i].norm
            if n in _CONDITION_NORMS or (n == "бы" and cond < 0):
                cond = i
                break
        if cond < 0:
            continue
        counterfactual = infos[cond].norm == "бы"
        consequence = False
        for i in range(cond + 1, b):
            tag = infos[i].tag or ""
            n = infos[i].norm
            if "futr" in tag or n == "бы" or infos[i].lemma in ("грозить", "ждать", "обернуться", "привести"):
                consequence = True
                break
        if consequence:
            start = tokens.starts[cond] if not counterfactual else seg.start
            yield (start, seg.end, "Consequential_Oversimplification", "threat_conditional",
                   text[start:seg.end][:80], 0.45, "counterfactual" if counterfactual else "if_then",
                   frozenset())


def exclamations(ctx: SentenceContext, spec: dict) -> Iterator[Candidate]:
    """An exclamation in the author's voice is a device; it is a Slogans candidate only when it is
    a short formula (few words, and an imperative, a verbless call or a call opener)."""
    text = ctx.doc.text
    infos = ctx.tokens.infos
    max_words = int(spec["max_words"])
    openers = frozenset(spec["openers"])
    for seg in ctx.sentences:
        body = text[seg.start:seg.end].rstrip(_QUOTE_CHARS + ") ")
        if not body.endswith("!") or not _HAS_CYRILLIC(body):
            continue
        if seg.token_start >= seg.token_end or _quote_depth(text, seg.start) > 0:
            continue
        words = ctx.facts(ctx.sentence_of[seg.token_start])[0]
        if words == 0:
            continue
        yield (seg.start, seg.end, None, "exclamation", body[:60], 0.6, "exclamation", frozenset())
        if words > max_words:
            continue
        flags = set()
        first = seg.token_start
        while first < seg.token_end and infos[first].kind != WORD:
            first += 1
        if first < seg.token_end and infos[first].norm in openers:
            flags.add("opener")
        verb = False
        for i in range(seg.token_start, seg.token_end):
            tag = infos[i].tag or ""
            if "impr" in tag:
                flags.add("imperative")
            if infos[i].pos in ("VERB", "PRTS", "INFN"):
                verb = True
        if not verb:
            flags.add("verbless")
        if flags - {"verbless"} or (flags and words <= 4):
            yield (seg.start, seg.end, "Slogans", "slogan", body[:60], 0.6, "short_exclamation",
                   frozenset(flags))


__all__ = ["Candidate", "SentenceContext", "Targets", "conditional_consequences",
           "contrastive_reframing", "exclamations", "rhetorical_questions", "scare_quotes",
           "threat_conditionals"]
