"""Stance: does the text assert a span, or negate, contrast away, distance, suppose, question or report it?

Analyzers that count words (frames, tone, techniques) need to know whether the text *claims* what a
span names. ``StanceIndex(document)`` reads the document's sentences once and finds the cues of
each construction; ``index.span(start, end)`` then answers for any span in a few dictionary and
list look-ups, with the evidence (the cue's character span, the speaker's span where named):

>>> from kzmedia import Document
>>> doc = Document.from_text("Речь идёт не о давлении, а о партнёрстве.")
>>> index = StanceIndex.of(doc)
>>> index.span(doc.text.index("давлении"), doc.text.index("давлении") + 8).label
'contrasted'
>>> index.span(doc.text.index("партнёрстве"), doc.text.index("партнёрстве") + 11).label
'asserted'

Labels (:data:`LABELS`): ``asserted``; ``negated`` (не, нет, никакой, без, отнюдь; a denying
predicate such as «невозможен» in the clause; the clause governed by a negated verb of thinking or
stance, «не думаю, что X», «нельзя сказать, что X», «сомневаюсь, что X»); ``contrasted`` (the X
of «не X, а Y», «не столько X, сколько Y», «Y, а не X», «вместо X»); ``distanced`` (scare quotes, «так называемый», «якобы»,
«мнимый»); ``hypothetical`` (если, бы, возможно, вряд ли … in the sentence); ``questioned`` (a
question whose next sentence answers «Нет»); ``named`` (inside a quoted title or name, e.g. an
operation's or a party's name); ``reported`` (someone else's words: «по словам X», «X заявил»,
a long quotation). ``asserted`` and ``reported`` assert the span (:attr:`Stance.asserted`): a
text that quotes a minister saying X brings X up as a claim; the others do not.

The cue words are data (``kzmedia/data/stance.toml``); :data:`DATA_VERSION` names the version an
analyzer should record in its output. The rules are documented in ``docs/api.md``.
"""

from __future__ import annotations

import bisect
from importlib import resources
from typing import TYPE_CHECKING

import attrs

from .compat import tomllib
from .memo import FormMemo
from .morphology import LEMMA, NORM, POS, TAG
from .text import WORD

if TYPE_CHECKING:  # pragma: no cover
    from .document import Document

ASSERTED, NEGATED, CONTRASTED, DISTANCED = "asserted", "negated", "contrasted", "distanced"
HYPOTHETICAL, QUESTIONED, NAMED, REPORTED = "hypothetical", "questioned", "named", "reported"
#: every label, in the order of precedence when several constructions cover one span
LABELS = (NAMED, CONTRASTED, NEGATED, QUESTIONED, DISTANCED, HYPOTHETICAL, REPORTED, ASSERTED)
#: the labels under which the text still puts the span forward as a claim
ASSERTING = frozenset({ASSERTED, REPORTED})


def _load_data() -> dict:
    with (resources.files("kzmedia") / "data" / "stance.toml").open("rb") as fh:
        return tomllib.load(fh)


DATA = _load_data()
#: the version of the cue lists (``kzmedia/data/stance.toml``): record it next to results
DATA_VERSION: str = DATA["version"]


def _words(phrases) -> list[tuple[str, ...]]:
    return [tuple(p.replace("ё", "е").lower().split()) for p in phrases]


_NEG = DATA["negation"]
#: single words that negate what follows them in their clause (also used by ``kzmedia.lexicon``)
NEGATORS = frozenset(w for (w, *rest) in _words(_NEG["negators"]) if not rest) | frozenset(_NEG["negator_lemmas"]) \
    | frozenset(_NEG["short_negators"])

# token classes (bit flags), decided once per word form
_C_NEG, _C_NEG_SHORT, _C_DENIAL, _C_DIST_BEFORE, _C_VERB, _C_PHRASE, _C_QUOTE, _C_QUESTION = 1, 2, 4, 8, 16, 32, 64, 128
_C_DOUBT = 256
_QUOTES = frozenset("«»„“”\"")
_CLAUSE_PUNCT = frozenset(",;:()[]-")  # folded: every dash is "-"
_CLAUSE_WORDS = frozenset("но однако а зато хотя который которая которое которые которого которой "
                          "которым которых что чтобы когда потому поскольку если".split())


_BOUNDS = _CLAUSE_PUNCT | _CLAUSE_WORDS


class _Phrases:
    """Multi-word cues indexed by their first and by their last word; matched over word tokens
    (punctuation skipped). Cues are found by their last word, which is rarer than the first
    («по словам», «в случае», «так называемый»)."""

    def __init__(self, groups: dict[str, list[str]]):
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.by_last: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for group, phrases in groups.items():
            for words in _words(phrases):
                self.by_first.setdefault(words[0], []).append((words, group))
                self.by_last.setdefault(words[-1], []).append((words, group))
        for v in (*self.by_first.values(), *self.by_last.values()):
            v.sort(key=lambda p: -len(p[0]))

    def match_back(self, tokens, i: int, begin: int) -> list[tuple[str, int]]:
        """``(group, token_start)`` for each phrase ending at token ``i``, longest first."""
        out = []
        infos = tokens.infos
        for words, group in self.by_last.get(infos[i][NORM], ()):
            k, n = i - 1, len(words) - 2
            start = i
            while n >= 0 and k >= begin:
                if infos[k][1] != WORD:
                    k -= 1
                    continue
                if infos[k][NORM] != words[n]:
                    break
                start = k
                n -= 1
                k -= 1
            if n < 0:
                out.append((group, start))
        return out

    def match(self, tokens, i: int, end: int) -> list[tuple[str, int, bool]]:
        """``(group, token_end, followed_by_punct)`` for each phrase starting at token ``i``."""
        out = []
        infos = tokens.infos
        for words, group in self.by_first.get(infos[i][NORM], ()):
            k, n = i + 1, 1
            while n < len(words) and k < end:
                if infos[k][1] != WORD:
                    k += 1
                    continue
                if infos[k][NORM] != words[n]:
                    break
                n += 1
                k += 1
            if n == len(words):
                out.append((group, k, k >= end or infos[k][1] != WORD))
        return out


_DEN = DATA["denied_complement"]
_DIST = DATA["distance"]
_HYP = DATA["hypothetical"]
_CON = DATA["contrast"]
_QUE = DATA["question"]
_REP = DATA["reported"]

_PHRASES = _Phrases({
    "after": _NEG["after"], "dist_before": _DIST["before"], "dist_clause": _DIST["clause"],
    "hyp": _HYP["sentence"], "according": _REP["according_to"], "denier": _DEN["openers"],
})
_NOT_HYP = _Phrases({"not_hyp": _HYP["not_hypothetical"]})
_ANSWERS = _Phrases({"answer": _QUE["answers"]})
_NEG_WORDS = frozenset(w for (w, *rest) in _words(_NEG["negators"]) if not rest)
_NEG_LEMMAS, _NEG_SHORT, _NOT_NEGATING, _DENIAL_WORDS = (frozenset(_NEG[k]) for k in (
    "negator_lemmas", "short_negators", "not_negating_after", "denial_words"))
_DENIAL_PREFIXES = tuple(_NEG["denial_prefixes"])
_HYP_PREFIXES = tuple(_HYP["prefixes"])
_DIST_LEMMAS = frozenset(_DIST["before_lemmas"])
_VERBS = frozenset(v.replace("ё", "е") for v in _REP["verbs"])
_SELF = frozenset(_REP["self_speakers"])
_ALTERNATIVE, _NOT_SO_MUCH, _SO_MUCH_AS, _INSTEAD = (frozenset(_CON[k]) for k in (
    "opens_alternative", "not_so_much", "so_much_as", "instead"))
_QUOTATION_WORDS = int(_REP["quotation_words"])
_THINK = frozenset(v.replace("ё", "е") for v in _DEN["verbs"])
_DOUBT = frozenset(_DEN["doubt"])
_COMPLEMENTIZERS = frozenset(_DEN["complementizers"])
_BETWEEN = frozenset(w.replace("ё", "е") for w in _DEN["between"])
_DENIED_ENDS = frozenset(_DEN["ends_before"])
_THINK_GAP, _DENIED_REACH = int(_DEN["gap"]), int(_DEN["reach"])
_WINDOW, _SHORT_WINDOW = int(_NEG["window"]), int(_NEG["short_window"])
_POLARITY_ENDINGS = tuple(_NEG.get("polarity_endings", ()))
_POLARITY_WINDOW = int(_NEG.get("polarity_window", 0))
_SCARE_WORDS = int(_DIST["scare_quote_words"])


def _classify(norm: str, info: tuple) -> int:
    """The cue classes of one word form (memoised per form by :class:`kzmedia.memo.FormMemo`)."""
    c = 0
    lemma = info[LEMMA]
    if norm in _NEG_WORDS or lemma in _NEG_LEMMAS or norm in _INSTEAD:
        c |= _C_NEG
    if norm in _NEG_SHORT:
        c |= _C_NEG_SHORT
    if norm in _DENIAL_WORDS or norm.startswith(_DENIAL_PREFIXES):
        c |= _C_DENIAL
    if lemma in _DIST_LEMMAS or norm.startswith(("псевдо", "лже")) and len(norm) > 6:
        c |= _C_DIST_BEFORE
    if lemma in _VERBS and info[POS] in ("VERB", "INFN", "GRND", "PRTS", "ADJS"):
        c |= _C_VERB
    if norm in _PHRASES.by_last or norm.startswith(_HYP_PREFIXES):
        c |= _C_PHRASE
    if norm in _QUOTES:
        c |= _C_QUOTE
    if norm == "?":
        c |= _C_QUESTION
    if lemma in _DOUBT:
        c |= _C_DOUBT
    return c


_MEMO = None


def _memo():
    global _MEMO
    if _MEMO is None:
        _MEMO = FormMemo(_classify)
    return _MEMO


@attrs.frozen
class Stance:
    """How the text holds a span, with the evidence for it.

    ``label`` is one of :data:`LABELS`; ``kind`` names the rule (``negator``, ``after``,
    ``denial``, ``denied_thought``, ``denied_opener``, ``doubt``, ``not_x_but_y``, ``not_so_much``,
    ``but_not``, ``instead``, ``scare_quotes``,
    ``so_called``, ``hearsay``, ``conditional``, ``answer``, ``title``, ``verb``,
    ``according_to``, ``quotation``); ``cue_start``/``cue_end`` are the character span of the cue
    (``text[cue_start:cue_end] == cue``). ``speaker_*`` give the person or body whose words these
    are when the sentence is reported and the speaker is named, whatever the label.
    """

    label: str = ASSERTED
    kind: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    cue: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker: str | None = None

    @property
    def asserted(self) -> bool:
        """True when the text puts the span forward as a claim (``asserted`` or ``reported``)."""
        return self.label in ASSERTING

    def to_dict(self) -> dict:
        """The label and whichever evidence fields are set (JSON-ready)."""
        return {k: v for k, v in attrs.asdict(self).items() if v is not None}


_PLAIN = Stance()


class _Sentence:
    """The cues found in one sentence (token indices; ranges are half-open). The lists are
    created on first use: most sentences have one or two kinds of cue."""

    __slots__ = ("negators", "after", "denials", "contrasts", "denied", "dist_before", "hearsay",
                 "hypothetical", "answer", "reported", "quotes")

    def __init__(self):
        self.negators = ()      # (token, reach in words)
        self.after = ()         # (first token, end token) of «нет», «не существует»
        self.denials = ()       # token of «невозможен», «исключено»
        self.contrasts = ()     # (a, b, cue token, kind): X is tokens[a:b]
        self.denied = ()        # (a, b, cue a, cue b, kind): the clause tokens[a:b] a negated verb governs
        self.dist_before = ()   # (first token, end token)
        self.hearsay = ()       # (first token, end token) of «якобы»
        self.hypothetical = None  # (first token, end token) of the first cue
        self.answer = None      # (first token, end token) of «Нет» after the question
        self.reported = None    # (kind, cue a, cue b, speaker a, speaker b)
        self.quotes = ()        # (open token, close token, kind)


class StanceIndex:
    """The stance cues of one document, found once; :meth:`span` and :meth:`tokens` answer per span.

    Use :meth:`of` to share one index among analyzers (it is kept on the document).
    """

    def __init__(self, document: "Document"):
        self.document = document
        self.tokens = tokens = document.tokens
        self.sentences = sentences = document.sentences
        self.sentence_of = document.sentence_index()
        self._sent: dict[int, _Sentence] = {}
        self._made: dict[tuple, Stance] = {}
        infos = tokens.infos
        # clause boundaries: punctuation and subordinating/contrastive words
        self._bounds = tokens.positions(_BOUNDS.intersection(tokens.forms))
        memo = _memo()
        positions = memo.positions(tokens)
        sentence_of = self.sentence_of
        quotes, questions = [], []
        for i in positions:
            norm = infos[i][NORM]
            c = memo[norm]
            if c == _C_QUOTE:
                quotes.append(i)
                continue
            if c == _C_QUESTION:
                questions.append(i)
                continue
            k = sentence_of[i]
            if k >= 0:
                self._cue(i, k, c)
        if quotes:
            self._pair_quotes(quotes)
        for q in questions:
            self._question(q)

    @classmethod
    def of(cls, document: "Document") -> "StanceIndex":
        """The document's index, built on first use and kept with the document."""
        index = document._cache.get("stance")
        if index is None:
            index = document._cache["stance"] = cls(document)
        return index

    # -- building ---------------------------------------------------------------------------
    def _s(self, k: int) -> _Sentence:
        s = self._sent.get(k)
        if s is None:
            s = self._sent[k] = _Sentence()
        return s

    def _add(self, k: int, field: str, item) -> None:
        s = self._s(k)
        items = getattr(s, field)
        if not items:
            items = []
            setattr(s, field, items)
        items.append(item)

    def _cue(self, i: int, k: int, c: int) -> None:
        tokens, infos = self.tokens, self.tokens.infos
        seg = self.sentences[k]
        a, b = seg.token_start, seg.token_end
        norm = infos[i][NORM]
        if c & _C_NEG:
            self._negator(i, k, norm, a, b)
        if c & _C_NEG_SHORT:
            self._add(k, "negators", (i, _SHORT_WINDOW - 1))
        if c & _C_DENIAL:
            prev = self._prev_word(i, a)
            if prev is None or infos[prev][NORM] != "не":  # «не исключено» supposes, it does not deny
                self._add(k, "denials", i)
        if c & _C_DIST_BEFORE:
            self._add(k, "dist_before", (i, i + 1))
        if c & _C_VERB:
            self._speech_verb(i, k, a, b)
        if c & _C_DOUBT:
            prev = self._prev_word(i, a)
            if prev is None or infos[prev][NORM] != "не":  # «не сомневаюсь, что X» asserts X
                self._governed_clause(i, i, k, b, "doubt")
        if c & _C_PHRASE:
            if norm.startswith(_HYP_PREFIXES):
                s = self._s(k)
                s.hypothetical = s.hypothetical or (i, i + 1)
            end = i + 1
            for group, start in _PHRASES.match_back(tokens, i, a):
                if group == "after":
                    self._add(k, "after", (start, end))
                elif group == "dist_before":
                    self._add(k, "dist_before", (start, end))
                elif group == "dist_clause":
                    self._add(k, "hearsay", (start, end))
                elif group == "hyp":
                    self._hypothetical(start, end, k, a)
                elif group == "according":
                    self._according(start, end, k, b)
                elif group == "denier":
                    self._governed_clause(start, i, k, b, "denied_opener")
                break  # the longest phrase at a token is the one meant

    def _prev_word(self, i: int, a: int) -> int | None:
        infos = self.tokens.infos
        k = i - 1
        while k >= a and infos[k][1] != WORD:
            k -= 1
        return k if k >= a else None

    def _next_word(self, i: int, b: int) -> int | None:
        infos = self.tokens.infos
        k = i + 1
        while k < b and infos[k][1] != WORD:
            k += 1
        return k if k < b else None

    def _negator(self, i: int, k: int, norm: str, a: int, b: int) -> None:
        infos = self.tokens.infos
        if norm in _INSTEAD:  # «вместо X»: X is the noun group that follows
            j = i + 1
            # «вместо» governs the genitive: its group ends at the first word in another case
            while j < b and j - i <= 5 and infos[j][1] == WORD and "gent" in (infos[j][TAG] or ""):
                j += 1
            if j > i + 1:
                self._add(k, "contrasts", (i + 1, j, i, "instead"))
            return
        nxt = i + 1 if i + 1 < b else None
        nxt_norm = infos[nxt][NORM] if nxt is not None else ""
        if norm == "не":
            if nxt_norm in _NOT_SO_MUCH:
                self._not_so_much(i, k, b)
                return
            if nxt_norm in _NOT_NEGATING:
                return
            if self._negated_thought(i, k, b):  # «не думаю, что X, но Y»: X is denied, not contrasted
                self._add(k, "negators", (i, _WINDOW))
                return
            prev = self._prev_word(i, a)
            if prev is not None and infos[prev][NORM] in _ALTERNATIVE and prev > a \
                    and infos[prev - 1][NORM] in (",", "-"):
                # «Y, а не X»: X runs to the end of its clause
                self._add(k, "contrasts", (i + 1, self._clause_end(i + 1, b), i, "but_not"))
                return
            self._not_x_but_y(i, k, b)
        self._add(k, "negators", (i, _WINDOW))

    def _negated_thought(self, i: int, k: int, b: int) -> bool:
        """«не думаю, что X», «мы не считаем, что X», «это не значит, что X»: X is denied."""
        infos = self.tokens.infos
        t, words = i + 1, 0
        while t < b and words <= _THINK_GAP:
            if infos[t][1] != WORD:
                return False  # the verb follows «не» inside its clause
            if infos[t][LEMMA].replace("ё", "е") in _THINK:  # any parse: «не значит» is read as CONJ
                return self._governed_clause(i, t, k, b, "denied_thought")
            words += 1
            t += 1
        return False

    def _governed_clause(self, cue_a: int, v: int, k: int, b: int, kind: str) -> bool:
        """Record the «что …» clause that the verb (or opener) ending at token ``v`` governs as
        denied: it runs from the complementizer to the sentence's end, a semicolon, or «, но» / «, а»."""
        infos = self.tokens.infos
        t = v if infos[v][NORM] in _COMPLEMENTIZERS else v + 1  # «не то чтобы X»
        if t < b and infos[t][NORM] == "ли":
            return False  # «не думаете ли вы, что …» asks
        while t < b and t - v <= 6:
            norm = infos[t][NORM]
            if norm in _COMPLEMENTIZERS:
                break
            if infos[t][1] == WORD and norm not in _BETWEEN and infos[t][LEMMA].replace("ё", "е") not in _THINK:
                return False
            if infos[t][1] != WORD and norm not in (",", "-"):
                return False
            t += 1
        else:
            return False
        a = t + 1
        e = a
        while e < b and e - a < _DENIED_REACH:
            norm = infos[e][NORM]
            if norm in (";", ".", "!", "?"):
                break
            if norm in (",", "-") and e + 1 < b and infos[e + 1][NORM] in _DENIED_ENDS:
                break
            e += 1
        if e <= a:
            return False
        self._add(k, "denied", (a, e, cue_a, v + 1, kind))
        return True

    def _not_x_but_y(self, i: int, k: int, b: int) -> None:
        infos = self.tokens.infos
        for j in range(i + 2, min(b - 1, i + int(_CON["reach"]))):
            if infos[j][NORM] in (",", "-") and infos[j + 1][NORM] in _ALTERNATIVE:
                if infos[j + 1][NORM] == "но" and j + 2 < b and infos[j + 2][NORM] == "и":
                    return  # «не …, но и …» adds, it does not contrast
                self._add(k, "contrasts", (i + 1, j, i, "not_x_but_y"))
                return
            if infos[j][NORM] in (".", ";", "?", "!"):
                return

    def _not_so_much(self, i: int, k: int, b: int) -> None:
        infos = self.tokens.infos
        for j in range(i + 2, min(b, i + int(_CON["reach"]))):
            if infos[j][NORM] in _SO_MUCH_AS:
                end = j - 1 if infos[j - 1][NORM] in (",", "-") else j
                self._add(k, "contrasts", (i + 2, end, i, "not_so_much"))
                return

    def _hypothetical(self, i: int, end: int, k: int, a: int) -> None:
        tokens, infos = self.tokens, self.tokens.infos
        prev = self._prev_word(i, a)
        # «хотя бы» is "at least", «если честно» a manner of speaking
        if _NOT_HYP.match_back(tokens, end - 1, a) or _NOT_HYP.match(tokens, i, self.sentences[k].token_end):
            return
        if infos[i][NORM] in ("бы", "б") and prev is not None and infos[prev][NORM] in ("чуть", "как"):
            return  # «чуть бы не», «как бы» hedges
        s = self._s(k)
        if s.hypothetical is None:
            s.hypothetical = (i, end)

    def _speaker_is_self(self, a: int, b: int) -> bool:
        infos = self.tokens.infos
        return any(infos[t][NORM] in _SELF for t in range(a, b))

    def _speech_verb(self, v: int, k: int, a: int, b: int) -> None:
        """«X заявил, что …», «— …, — сказал X»: the sentence is X's; the author's «я считаю» is not."""
        infos = self.tokens.infos
        s = self._s(k)
        if s.reported is not None:
            return
        tag = infos[v][TAG] or ""
        if "1per" in tag:
            return
        n = int(_REP["speaker_tokens"])
        # before the verb, in its clause
        j = v
        while j > a and v - j < n and infos[j - 1][1] == WORD and infos[j - 1][NORM] not in _CLAUSE_WORDS:
            j -= 1
        words = [t for t in range(j, v) if infos[t][POS] in ("NOUN", "NPRO") or infos[t][POS] is None]
        if words:
            sa, sb = words[0], v
            while sa < sb and infos[sa][POS] not in ("NOUN", "NPRO", "ADJF", None):
                sa += 1
        else:  # after it: «— …, — заявил министр Иванов»
            sa = sb = v + 1
            while sb < b and sb - sa < n and infos[sb][1] == WORD and infos[sb][NORM] not in _CLAUSE_WORDS:
                sb += 1
            if not any(infos[t][POS] in ("NOUN", "NPRO", None) for t in range(sa, sb)):
                return
        if self._speaker_is_self(sa, sb):
            return
        s.reported = ("verb", v, v + 1, sa, sb)

    def _according(self, i: int, end: int, k: int, b: int) -> None:
        infos = self.tokens.infos
        n = int(_REP["speaker_tokens"])
        sb = end
        while sb < b and sb - end < n and infos[sb][1] == WORD:
            sb += 1
        if sb == end or self._speaker_is_self(end, sb):
            return
        self._s(k).reported = ("according_to", i, end, end, sb)

    def _pair_quotes(self, positions: list[int]) -> None:
        """Pair quotation marks (« » and „ “ nest, " alternates) inside each paragraph."""
        infos = self.tokens.infos
        para_starts = [p.token_start for p in self.document.paragraphs]
        stack: list[tuple[int, str]] = []
        para = -1
        for i in positions:
            p = bisect.bisect_right(para_starts, i) - 1
            if p != para:
                stack, para = [], p
            ch = infos[i][NORM]
            top = stack[-1][1] if stack else ""
            if ch in "«„" or (ch == "“" and top != "„") or (ch == '"' and top != '"'):
                stack.append((i, ch))
            elif stack and (ch == "»" and top == "«" or ch in "“”" and top in "„“" or ch == '"' and top == '"'):
                o = stack.pop()[0]
                if i > o + 1:
                    self._quote(o, i)

    def _quote(self, o: int, c: int) -> None:
        infos, sentence_of = self.tokens.infos, self.sentence_of
        words = self.document.words_in(o + 1, c)
        if not words:
            return
        t = o + 1
        while infos[t][1] != WORD:
            t += 1
        first = self.tokens.surface(t)
        k = sentence_of[o] if sentence_of[o] >= 0 else sentence_of[o + 1]
        if k < 0:
            return
        after_colon = o > 0 and infos[o - 1][NORM] == ":"
        if after_colon or words > _QUOTATION_WORDS:
            kind = "quotation"
        elif first[:1].isupper():
            kind = "title"
        elif words <= _SCARE_WORDS:
            kind = "scare_quotes"
        else:
            kind = "quotation"
        for kk in range(k, max(k, sentence_of[c]) + 1):
            self._add(kk, "quotes", (o, c, kind))

    def _question(self, q: int) -> None:
        """A question answered «Нет» by the next sentence is questioned, not asserted."""
        k = self.sentence_of[q]
        if k < 0 or k + 1 >= len(self.sentences):
            return
        infos = self.tokens.infos
        seg = self.sentences[k]
        if any(infos[t][1] == WORD for t in range(q + 1, seg.token_end)):
            return  # a question mark inside the sentence, not the end of a question
        nxt = self.sentences[k + 1]
        first = nxt.token_start
        while first < nxt.token_end and infos[first][1] != WORD:
            first += 1
        seen = 0
        t = first
        while t < nxt.token_end and seen < int(_QUE["answer_words"]):
            if infos[t][1] == WORD:
                for _, end, punct in _ANSWERS.match(self.tokens, t, nxt.token_end):
                    # «Нет, …» answers; «Нет сомнений, что …» does not
                    if punct or infos[t][NORM] != "нет":
                        self._s(k).answer = (t, end)
                        return
                seen += 1
            t += 1

    # -- clauses ----------------------------------------------------------------------------
    def _clause_start(self, i: int, a: int) -> int:
        j = bisect.bisect_right(self._bounds, i - 1) - 1
        return max(a, self._bounds[j] + 1) if j >= 0 else a

    def _clause_end(self, i: int, b: int) -> int:
        j = bisect.bisect_left(self._bounds, i)
        return min(b, self._bounds[j]) if j < len(self._bounds) else b

    # -- queries ----------------------------------------------------------------------------
    def span(self, start: int, end: int) -> Stance:
        """The stance of ``document.text[start:end]`` (character offsets)."""
        tokens = self.tokens
        i = bisect.bisect_right(tokens.ends, start)
        j = bisect.bisect_left(tokens.starts, end)
        if i >= j:
            return _PLAIN
        return self.tokens_stance(i, j)

    def tokens_stance(self, i: int, j: int) -> Stance:
        """The stance of the tokens ``i`` up to (not including) ``j``: the hot path for matchers."""
        k = self.sentence_of[i] if i < len(self.sentence_of) else -1
        s = self._sent.get(k) if k >= 0 else None
        if s is None:
            return _PLAIN
        seg = self.sentences[k]
        a, b = seg.token_start, seg.token_end
        found = self._decide(s, i, j, a, b)
        speaker = None
        if s.reported is not None:
            kind, ca, cb, sa, sb = s.reported
            if not (sa <= i and j <= sb):  # the speaker's own name is not their words
                if found is None:
                    found = (REPORTED, kind, ca, cb)
                speaker = (sa, sb)
        if found is None:
            return _PLAIN
        key = (found, speaker)
        made = self._made.get(key)
        if made is None:  # one value per cue: spans under the same cue share it
            made = self._made[key] = self._make(*found, speaker=speaker)
        return made

    def _decide(self, s: _Sentence, i: int, j: int, a: int, b: int):
        infos = self.tokens.infos
        quote = None
        for o, c, kind in s.quotes:
            if o < i and j <= c and (quote is None or o > quote[0]):
                quote = (o, c, kind)
        if quote is not None and quote[2] == "title":
            return NAMED, "title", quote[0], quote[1] + 1
        for xa, xb, cue, kind in s.contrasts:
            if xa <= i and j <= xb:
                return CONTRASTED, kind, cue, cue + 1
        for xa, xb, ca, cb, kind in s.denied:
            if xa <= i and j <= xb:
                return NEGATED, kind, ca, cb
        if s.negators or s.after or s.denials:
            ca = self._clause_start(i, a)
            for t, reach in reversed(s.negators):
                if ca <= t < i and self.document.words_in(t + 1, i) <= reach:
                    return NEGATED, "negator", t, t + 1
            polar = self._polarity_item(i, ca) if _POLARITY_ENDINGS else None
            if polar is not None:
                for t, _reach in reversed(s.negators):
                    if ca <= t < polar:
                        return NEGATED, "negator", t, t + 1
            if s.after:
                ce = self._clause_end(j, b)
                for t, te in s.after:
                    if j <= t < ce and self.document.words_in(j, t) < int(_NEG["after_window"]):
                        return NEGATED, "after", t, te
            if s.denials:
                # a denying predicate reaches across a dash or colon («угроза — миф»)
                da, db = self._wide_clause(i, j, a, b)
                for t in s.denials:
                    if da <= t < db and not (i <= t < j) and not (t >= j and self._modifier_of(i, j, t)):
                        return NEGATED, "denial", t, t + 1
        if s.answer is not None:
            return QUESTIONED, "answer", s.answer[0], s.answer[1]
        if quote is not None and quote[2] == "scare_quotes":
            return DISTANCED, "scare_quotes", quote[0], quote[1] + 1
        if s.dist_before:
            ca = self._clause_start(i, a)
            for t, te in s.dist_before:
                if ca <= t and te <= i and self.document.words_in(te, i) < int(_DIST["window"]):
                    return DISTANCED, "so_called", t, te
        for t, te in s.hearsay:
            if te <= i:
                # «якобы» reaches to the end of its clause (a comma right after it is a parenthesis)
                k = te
                while k < b and infos[k][NORM] in ",-":
                    k += 1
                if i < self._clause_end(k + 1, b):
                    return DISTANCED, "hearsay", t, te
        if s.hypothetical is not None:
            return HYPOTHETICAL, "conditional", s.hypothetical[0], s.hypothetical[1]
        if quote is not None and quote[2] == "quotation":
            return REPORTED, "quotation", quote[0], quote[1] + 1
        return None

    def _modifier_of(self, i: int, j: int, t: int) -> bool:
        """Do tokens ``i..j`` modify the denying noun at ``t`` («позорная и бесстыдная ложь», «красивый
        миф»): the span ends in an adjective or participle and only such words, «и» and commas stand
        between it and ``t``? Then the span describes the denial; it is not what is denied."""
        infos = self.tokens.infos
        if infos[j - 1][POS] not in ("ADJF", "PRTF"):
            return False
        return all(infos[k][POS] in ("ADJF", "PRTF", "ADVB") or infos[k][NORM] in ("и", ",") for k in range(j, t))

    def _polarity_item(self, i: int, ca: int) -> int | None:
        """The negative-polarity word («какой-либо», «кто-нибудь») right before token ``i`` (at most
        ``polarity_window`` words back, inside the clause), if any: a negator earlier in the clause
        reaches the span through it («не ведёт агитации в пользу какой-либо партии»)."""
        infos = self.tokens.infos
        t, words = i - 1, 0
        while t >= ca and words < _POLARITY_WINDOW:
            if infos[t][1] == WORD:
                if infos[t][NORM].endswith(_POLARITY_ENDINGS):
                    return t
                words += 1
            t -= 1
        return None

    def _wide_clause(self, i: int, j: int, a: int, b: int) -> tuple[int, int]:
        infos = self.tokens.infos
        lo = i
        while lo > a and not (infos[lo - 1][NORM] in ",;()" or infos[lo - 1][NORM] in _CLAUSE_WORDS):
            lo -= 1
        hi = j
        while hi < b and not (infos[hi][NORM] in ",;()" or infos[hi][NORM] in _CLAUSE_WORDS):
            hi += 1
        return lo, hi

    def _make(self, label, kind, ca, cb, speaker=None) -> Stance:
        tokens, text = self.tokens, self.document.text
        cs, ce = tokens.starts[ca], tokens.ends[cb - 1]
        if speaker is not None and speaker[1] > speaker[0]:
            ss, se = tokens.starts[speaker[0]], tokens.ends[speaker[1] - 1]
            return Stance(label, kind, cs, ce, text[cs:ce], ss, se, text[ss:se])
        return Stance(label, kind, cs, ce, text[cs:ce])


def stance_of(document: "Document", start: int, end: int) -> Stance:
    """The stance of ``document.text[start:end]``; the document's :class:`StanceIndex` is reused."""
    return StanceIndex.of(document).span(start, end)


__all__ = ["ASSERTING", "DATA_VERSION", "LABELS", "NEGATORS", "Stance", "StanceIndex", "stance_of",
           "ASSERTED", "NEGATED", "CONTRASTED", "DISTANCED", "HYPOTHETICAL", "QUESTIONED", "NAMED", "REPORTED"]
