"""Who does what to whom: actor events, the role components the portrayal (portrayal.py) reads, and directed attitudes.

An event is a trigger from ``data/actions.toml`` (a verb or noun lemma, or a multi-word phrase) in
a clause that names an actor, with its arguments read from pymorphy3's case and the neighbouring
prepositions — no parser:

* active verb: the clause's nominative actors are sources (coordination gives several: «Китай и
  Индия подписали»), objects in the accusative/dative/instrumental or after the class's
  prepositions (против, по, на, в отношении, с…) are targets; a genitive after such an object
  («поддержал позицию Китая», «удары по районам РФ») is a target too;
* passive participle or «подвергнуться»: the nominative is the target, «со стороны X» or an
  instrumental actor the source;
* noun: an adjective actor before it is the source («российская помощь»; an «анти-» adjective is
  the target), a genitive after it is source or target as the entry says («агрессия X», «поддержка
  X»), otherwise the clause's subject («США ввели санкции против России»);
* a clause with no subject of its own takes the nearest subject before it in the sentence
  (participial and gerund clauses, «..., обвинив Москву»), at a lower confidence.

Negation and refusal words before the trigger (не, отказаться) set ``negated``; may/must/try
words set ``modality``; a reporting word in the sentence (заявил, по словам) or quotation marks
around the trigger set ``quoted`` with the speaker when it is an actor. The core stance layer
(:mod:`kzmedia.stance`) adds what it knows of the trigger: negated, contrasted away or questioned
→ ``negated``; supposed → ``modality: "possible"``; scare quotes, «так называемый», «якобы» →
``modality: "distanced"``; reported → ``quoted``; inside a quoted title → no event.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections import defaultdict
from importlib import resources

from kzmedia.compat import tomllib
from kzmedia import StanceIndex
from kzmedia.memo import FormMemo, FormScreen

from .gazetteer import possible_cases
from .grammar import GRAMMAR
from .portrayal import ROLE_LABELS, role_margin

#: arguments are looked for within this many tokens of the trigger (as tone words, see analyzer)
WINDOW = 48
_QUOTES = frozenset({"«", "»"})
_PREP_SKIP = frozenset({"ADJF", "ADJS", "PRTF", "NUMR", "NPRO"})
_SUBJECT_FALLBACK = 0.7
_NOUN_CONF = 0.6
_VERB_CONF = 0.8


class ActionClass:
    __slots__ = ("id", "definition", "polarity", "source", "target", "preps", "genitive")

    def __init__(self, cid: str, spec: dict):
        self.id = cid
        self.definition = spec.get("definition", "")
        self.polarity = float(spec.get("polarity", 0.0))
        self.source = {k: float(v) for k, v in spec.get("source", {}).items()}
        self.target = {k: float(v) for k, v in spec.get("target", {}).items()}
        self.preps = frozenset(spec.get("preps", ()))
        self.genitive = spec.get("genitive", "source")


def _fold(s: str) -> str:
    return s.lower().replace("ё", "е")


class Actions:
    """The action lexicon: classes, triggers and cue words, matched by lemma through a memo."""

    def __init__(self, data: dict):
        head = data.get("actions", {})
        self.version = f"{head.get('name', 'actions')}@{head.get('version', '?')}"
        self.classes = {cid: ActionClass(cid, spec) for cid, spec in data.get("classes", {}).items()}
        #: anchor word (lemma or folded form) → [(words, anchor, kind, payload)]: a phrase is looked
        #: up by its longest word («по словам» by «словам»), so frequent first words cost nothing
        self.first: dict[str, list[tuple]] = defaultdict(list)
        for cid, spec in data.get("classes", {}).items():
            cls = self.classes[cid]
            for kind in ("verbs", "nouns"):
                for entry in spec.get(kind, ()):
                    lemma, genitive = (entry, cls.genitive) if isinstance(entry, str) else (
                        entry["lemma"], entry.get("genitive", cls.genitive))
                    self._add(lemma, kind[:-1], (cid, genitive))
        for cue in ("experience", "speech", "passive"):
            for phrase in data.get(cue, {}).get("words", ()):
                self._add(phrase, cue, None)
        # frequent one-word qualifiers are not matched over the text: the few tokens before each
        # trigger are looked at instead (see qualifiers)
        self.refusal = frozenset(_fold(w) for w in data.get("refusal", {}).get("words", ()))
        self.modality = frozenset(_fold(w) for w in data.get("modality", {}).get("words", ()))
        self.innocent = frozenset(_fold(w) for w in data.get("innocent", {}).get("words", ()))
        self.memo = FormMemo(self._compute, screen=FormScreen(norms=self.first, lemmas=self.first))

    def _add(self, phrase: str, kind: str, payload) -> None:
        words = tuple(phrase.lower().replace("ё", "е").split())
        anchor = max(range(len(words)), key=lambda x: (len(words[x]), -x))
        self.first[words[anchor]].append((words, anchor, kind, payload))

    @classmethod
    def load(cls) -> "Actions":
        text = resources.files(__package__).joinpath("data", "actions.toml").read_text(encoding="utf-8")
        return cls(tomllib.loads(text))

    def __getstate__(self):
        state = dict(self.__dict__)
        state["memo"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.memo = FormMemo(self._compute, screen=FormScreen(norms=self.first, lemmas=self.first))

    def candidates(self, norm: str, info: tuple) -> tuple:
        """``(words, anchor, group, kind, payload)`` anchored at this form, longest first; of the
        one-word ones only the first per group (a trigger, or one cue of each kind)."""
        return self._compute(norm, info)

    def _compute(self, norm: str, info: tuple) -> tuple:
        out, singles = [], set()
        for key in dict.fromkeys((info[2], norm)):
            for words, anchor, kind, payload in self.first.get(key, ()):
                group = "event" if kind in ("verb", "noun") else kind
                if len(words) == 1:
                    if group in singles:
                        continue
                    singles.add(group)
                out.append((words, anchor, group, kind, payload))
        out.sort(key=lambda c: -len(c[0]))
        return tuple(out)

    def matches(self, tokens, sentence_of=None, sentences=None, scanned=None) -> list[tuple[int, int, str, object]]:
        """``(token_start, token_end, kind, payload)`` for every trigger and cue, in text order
        (only in the given ``sentences`` when both they and ``sentence_of`` are given).
        ``scanned``: ``(position, candidates)`` from a caller's own pass over the tokens (the
        analyzer finds names and actions in one), instead of this lexicon's."""
        infos = tokens.infos
        n = len(infos)
        if scanned is None:
            memo, norms = self.memo, tokens.norms
            scanned = [(k, memo[norms[k]]) for k in memo.positions(tokens)]
        if sentences is not None:
            scanned = [c for c in scanned if sentence_of[c[0]] in sentences]
        out = []
        multi = False
        for k, cands in scanned:
            if len(cands) == 1 and len(cands[0][0]) == 1:
                out.append((k, k + 1, cands[0][3], cands[0][4]))
                continue
            groups = set()  # the longest match of each group (a word may be a trigger and a cue)
            for words, anchor, group, kind, payload in cands:
                m = len(words)
                a = k - anchor
                if group in groups or a < 0 or a + m > n:
                    continue
                if m > 1:
                    if not all(infos[a + x][2] == words[x] or infos[a + x][0] == words[x]
                               for x in range(m) if x != anchor):
                        continue
                    multi = True
                out.append((a, a + m, kind, payload))
                groups.add(group)
        if multi:
            out.sort(key=lambda f: f[0])
        return out


ACTIONS = Actions.load()


# -- negation and modality (the place to swap in kzmedia.stance) --------------------------------

def qualifiers(infos, clause_start: int, k: int, actions: "Actions") -> tuple[bool, bool]:
    """``(negated, modal)`` for a trigger at token ``k``: a refusal word (не, отказаться) up to
    three tokens before it in its clause, a modality word (может, должен, пытаться) up to four."""
    negated = modal = False
    for x in range(max(clause_start, k - 4), k):
        inf = infos[x]
        if k - x <= 3 and (inf[0] in actions.refusal or inf[2] in actions.refusal):
            negated = True
        if inf[0] in actions.modality or inf[2] in actions.modality:
            modal = True
    return negated, modal


class Mention:
    """One actor mention as the event reader sees it. Its ``marker`` (the governing preposition,
    :func:`_marker`) is read from the tokens on first use: most mentions never need it."""

    __slots__ = ("i", "j", "start", "end", "actor", "role", "form", "stance", "_prep", "_tokens", "sentence",
                 "index")

    def __init__(self, i, j, start, end, actor, role, form, stance, sentence, index, tokens=None):
        self.i, self.j, self.start, self.end = i, j, start, end
        self.actor, self.role, self.form, self.stance = actor, role, form, stance
        self.sentence, self.index = sentence, index
        self._tokens = tokens
        self._prep = _UNREAD

    @property
    def marker(self) -> str | None:
        v = self._prep
        if v is _UNREAD:
            v = self._prep = _marker(self._tokens, self.i) if self._tokens is not None else None
        return v

    @marker.setter
    def marker(self, value) -> None:
        self._prep = value


_UNREAD = object()


def _marker(tokens, i: int) -> str | None:
    """The preposition governing the phrase a mention ends (``"со стороны"``, ``"в отношении"``,
    ``"против"``…), looking back over adjectives and one head noun the mention depends on."""
    infos = tokens.infos
    k = i - 1
    steps = 0
    noun_seen = False
    while k >= 0 and steps < 4:
        inf = infos[k]
        pos = inf[3]
        if pos == "PREP":
            return inf[0]
        if inf[0] == "стороны" and k > 0 and infos[k - 1][0] in ("со", "с"):
            return "со стороны"
        if inf[0] == "отношении" and k > 0 and infos[k - 1][0] == "в":
            return "в отношении"
        if pos in _PREP_SKIP:
            pass
        elif pos == "NOUN" and not noun_seen:
            noun_seen = True  # «по районам РФ»: the mention is the genitive of that noun
        else:
            return None
        k -= 1
        steps += 1
    return None


def _span(tokens, text, a: int, b: int) -> dict:
    s, e = tokens.starts[a], tokens.ends[b - 1]
    return {"start": s, "end": e, "text": text[s:e]}


def group_mentions(tokens, mentions: list[Mention]) -> tuple[dict, dict]:
    """``(sentence → its mentions, sentence → their token starts)``, sentences outside any (-1)
    left out; what :func:`extract` and :func:`cue_holders` both read, built once."""
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.sentence >= 0:
            if m._tokens is None:
                m._tokens = tokens
            by_sentence[m.sentence].append(m)
    return by_sentence, {s: [m.i for m in ms] for s, ms in by_sentence.items()}


def extract(document, mentions: list[Mention], clauses, sentence_of, actions: Actions = ACTIONS,
            found=None, groups=None) -> list[dict]:
    """Events of one document (see the module docstring), in text order. ``found``: the
    lexicon's matches when the caller has them already (:meth:`Actions.matches`); ``groups``:
    :func:`group_mentions` of the mentions, likewise."""
    if not mentions:
        return []
    tokens = document.tokens
    text = document.text
    infos = tokens.infos
    sentences = document.sentences
    if found is None:
        found = actions.matches(tokens)
    if not found:
        return []
    by_sentence, starts_of = groups or group_mentions(tokens, mentions)
    for ms in by_sentence.values():
        _coordinate(infos, ms)
    # «» are clause boundaries: their positions are a filter of those, not another pass over the text
    quote_marks = functools.cache(lambda: [k for k in clauses.boundaries if infos[k][0] in _QUOTES]
                                  if _QUOTES <= GRAMMAR.boundaries else tokens.positions(_QUOTES))
    speech_by_sentence: dict[int, list[tuple[int, int]]] = defaultdict(list)
    passive_cues = set()
    for k, e, kind, _p in found:
        if kind == "speech":
            speech_by_sentence[sentence_of[k]].append((k, e))
        elif kind == "passive":
            passive_cues.add(k)
    events = []
    stance = None
    for k, e, kind, payload in found:
        if kind not in ("verb", "noun"):
            continue
        s = sentence_of[k]
        ms = by_sentence.get(s)
        if not ms:
            continue
        seg = sentences[s]
        ca, cb = clauses.bounds(k, e, seg.token_start, seg.token_end)
        cid, genitive = payload
        cls = actions.classes[cid]
        starts = starts_of[s]
        # the clause's mentions within the window (a clause without punctuation stays linear)
        lo = bisect.bisect_left(starts, max(ca, k - WINDOW))
        in_clause = ms[lo:bisect.bisect_left(starts, min(cb, e + WINDOW))]
        before = ms[max(0, lo - 8):lo]  # a subject before the clause, for a clause without one
        if not in_clause and (kind != "verb" or not before):
            continue  # nothing to read: a noun needs an argument in its clause, a verb a subject
        sources, targets, conf = _arguments(infos, k, e, kind, cls, genitive, in_clause, before, ca,
                                            bool(passive_cues) and any(p in passive_cues for p in range(max(ca, k - 3), k)))
        if not sources and not targets:
            continue
        if stance is None:
            stance = StanceIndex.of(document)  # the core's stance layer, shared with other analyzers
        st = stance.tokens_stance(k, e)
        if st.label == "named":
            continue  # a word inside a quoted name or title («операция „Возмездие“»)
        negated, modal = qualifiers(infos, ca, k, actions)
        negated = negated or st.label in ("negated", "contrasted", "questioned")
        modal = modal or st.label == "hypothetical"
        quoted = _quoted(tokens, text, k, ca, cb, seg, speech_by_sentence.get(s, ()), ms, clauses, quote_marks,
                         starts)
        if quoted is None and st.label == "reported":
            quoted = {"speaker": None, "cue": st.cue}
        distanced = st.label == "distanced"  # scare quotes, «так называемый», «якобы»
        trigger = _span(tokens, text, k, e)
        for src in sources or [None]:
            for tgt in targets or [None]:
                if src is not None and tgt is not None and src.actor == tgt.actor:
                    continue
                lo = min([trigger["start"]] + [m.start for m in (src, tgt) if m is not None])
                hi = max([trigger["end"]] + [m.end for m in (src, tgt) if m is not None])
                ev = {"source": src.actor if src else None, "action": cid,
                      "target": tgt.actor if tgt else None, "negated": negated,
                      "modality": "possible" if modal else ("distanced" if distanced else None),
                      "quoted": quoted,
                      "start": lo, "end": hi, "text": text[lo:hi],
                      "trigger": {**trigger, "lemma": " ".join(infos[x][2] for x in range(k, e))},
                      "confidence": round(conf * (0.8 if quoted else 1.0), 3), "sentence": s,
                      "source_span": ({"start": src.start, "end": src.end, "text": text[src.start:src.end]}
                                      if src else None),
                      "target_span": ({"start": tgt.start, "end": tgt.end, "text": text[tgt.start:tgt.end]}
                                      if tgt else None)}
                events.append(ev)
    # one event per (sentence, source, action, target): a verb and its noun («нанесли удар») or
    # a repeated trigger name the same act
    seen = set()
    out = []
    for ev in events:
        key = (ev["sentence"], ev["source"], ev["action"], ev["target"], ev["negated"])
        if key in seen:
            continue
        seen.add(key)
        out.append(ev)
    return out


_COORD = frozenset({"и", "или", "либо"})


def _coordinate(infos, ms: list[Mention]) -> None:
    """«Россия и ОДКБ», «ОДКБ и Россия»: two mentions joined by a coordinator share the subject
    role when the other one may be a nominative (an indeclinable name always may)."""
    for x in range(len(ms) - 1):
        a, b = ms[x], ms[x + 1]
        if b.i != a.j + 1 or infos[a.j][0] not in _COORD or a.marker or b.marker:
            continue
        for one, other in ((a, b), (b, a)):
            if one.role == "subject" and other.role not in ("subject", "attribute", "target"):
                tag = infos[other.i][4] or ""
                if "Fixd" in tag or tag == "UNKN" or "nomn" in possible_cases(infos[other.i][0]):
                    other.role = "subject"


def _arguments(infos, k, e, kind, cls, genitive, in_clause, before, ca, passive_cue):
    """Sources, targets and a confidence for one trigger (see the module docstring)."""
    tag = infos[k][4] or ""
    passive = passive_cue or "pssv" in tag
    subjects, agents, rest = [], [], []
    for m in in_clause:  # one pass: «со стороны X» is an agent, an unmarked nominative a subject
        marker = m.marker
        if marker == "со стороны":
            agents.append(m)
        elif marker is None and m.role == "subject":
            subjects.append(m)
        else:
            rest.append((m, marker))
    sources, targets = [], []
    conf = _VERB_CONF if kind == "verb" else _NOUN_CONF
    for m, marker in rest:
        after = m.i >= e
        if m.stance == "anti":
            if kind == "noun" and m.j <= k and k - m.j <= 2:
                targets.append(m)  # «антироссийские санкции»
            continue
        if kind == "noun":
            if m.role == "attribute" and m.j <= k and k - m.j <= 2:
                sources.append(m)  # «российская помощь», «американские удары»
            elif m.role == "possessor" and after and m.i - e <= 1 and marker is None:
                (sources if genitive == "source" else targets).append(m)  # «агрессия X», «поддержка X»
            elif after and (marker in cls.preps or marker == "в отношении"):
                targets.append(m)
            elif (after and m.role in ("object", "oblique") and marker is None and m.i - e <= 1
                  and "datv" in possible_cases(infos[m.i][0])):
                targets.append(m)  # «помощь Украине»
            continue
        if passive:
            if m.role == "object" and "ablt" in (infos[m.i][4] or ""):
                agents.append(m)
            continue
        if marker in cls.preps or marker in ("в отношении", "против"):
            targets.append(m)
        elif m.role in ("object", "oblique") and marker is None:
            targets.append(m)
        elif m.role == "possessor" and after and marker is None:
            targets.append(m)  # «поддержал позицию Китая»
        elif m.role in ("attribute", "oblique") and after and marker in cls.preps:
            targets.append(m)
    if passive:
        if kind == "verb":
            return agents, subjects, conf
        targets = targets + subjects  # «Казахстан подвергся давлению со стороны X»
        subjects = []
    sources = agents + sources
    if not sources and (kind == "verb" or _after_verb(infos, k, ca)):
        sources = subjects  # «США ввели санкции», «Украина нанесла удары»: a light verb's subject
    if not sources and kind == "verb":
        before = [m for m in before if m.i < ca and m.role == "subject" and m.marker is None]
        if before:
            sources = [before[-1]]
            conf *= _SUBJECT_FALLBACK
    elif not sources and kind == "noun" and not targets:
        return [], [], conf
    return sources, targets, conf


def _after_verb(infos, k: int, ca: int) -> bool:
    """A noun trigger is the object of a verb (over adjectives): «ввели новые санкции»."""
    x = k - 1
    while x >= ca and infos[x][3] in _PREP_SKIP:
        x -= 1
    return x >= ca and infos[x][3] in ("VERB", "INFN", "GRND", "PRTF", "PRTS")


def _quoted(tokens, text, k, ca, cb, seg, speech, ms, clauses, quote_marks, starts):
    """``{"speaker", "cue"}`` when the trigger is reported speech or inside quotation marks
    (``quote_marks()``: the token positions of «», found on first need)."""
    infos = tokens.infos
    if speech:
        # the reporting words outside the trigger's clause, nearest first, within the window (a
        # sentence without punctuation stays linear)
        lo = bisect.bisect_left(speech, (max(seg.token_start, k - 2 * WINDOW), 0))
        hi = bisect.bisect_left(speech, (k + 2 * WINDOW, 0))
        speech = [c for c in speech[lo:hi] if not ca <= c[0] < cb][:4]
    for a, b in speech:
        sa, sb = clauses.bounds(a, b, seg.token_start, seg.token_end)
        speaker = None
        x = bisect.bisect_left(starts, max(sa, a - WINDOW))
        for m in ms[x:x + 64]:
            if sa <= m.i < sb and (m.role == "subject" or (m.role == "possessor" and m.i >= b)):
                speaker = m.actor
                break
        return {"speaker": speaker, "cue": text[tokens.starts[a]:tokens.ends[b - 1]]}
    # inside «…»: an opening mark in the sentence before the trigger, with no closing one after it
    marks = quote_marks()
    lo = bisect.bisect_left(marks, seg.token_start)
    hi = bisect.bisect_left(marks, k)
    depth = 0
    for x in marks[max(lo, hi - 16):hi]:
        w = infos[x][0]
        if w == "«":
            depth += 1
        elif w == "»" and depth:
            depth -= 1
    if depth:
        return {"speaker": None, "cue": "«»"}
    return None


# -- roles and attitudes ---------------------------------------------------------------------

def cue_holders(document, mentions: list[Mention], clauses, sentence_of, actions: Actions = ACTIONS,
                found=None, groups=None) -> tuple[list[tuple], list[tuple]]:
    """``(experiences, speakers)``, each a list of ``(mention, start, end, word)``, from one pass
    over the cue words: each actor a misfortune word presents as suffering (the subject or
    possessor, or adjective, in the word's clause: «жертвами стали украинцы»), and each actor a
    reporting word presents as the one who speaks (the first subject in the cue's clause, «МИД
    заявил», or the genitive right after «по словам», «по данным»: «по словам Пескова»; a news
    text's sources are mostly its own side)."""
    tokens = document.tokens
    by_sentence, starts_of = groups or group_mentions(tokens, mentions)
    suffer, speak = [], []
    sentences = document.sentences
    for k, e, kind, _p in (actions.matches(tokens) if found is None else found):
        if kind != "experience" and kind != "speech":
            continue
        s = sentence_of[k]
        ms = by_sentence.get(s)
        if not ms or s < 0:
            continue
        seg = sentences[s]
        ca, cb = clauses.bounds(k, e, seg.token_start, seg.token_end)
        starts = starts_of[s]
        near = ms[bisect.bisect_left(starts, max(ca, k - WINDOW)):bisect.bisect_left(starts, min(cb, e + WINDOW))]
        a, b = tokens.starts[k], tokens.ends[e - 1]
        for m in near:
            if not ca <= m.i < cb:
                continue
            if kind == "experience":
                if m.role in ("subject", "possessor", "attribute", "oblique") and m.marker != "со стороны":
                    suffer.append((m, a, b, document.text[a:b]))
            elif m.role == "subject" or (m.role == "possessor" and 0 <= m.i - e <= 1):
                speak.append((m, a, b, document.text[a:b]))
                break  # one speaker per cue
    return suffer, speak


class RoleWeights:
    """The version of data/roles.toml and the weight of a possible (not done) event."""

    def __init__(self, data: dict):
        head = data.get("roles", {})
        self.version = f"{head.get('name', 'roles')}@{head.get('version', '?')}"
        self.modal = float(data.get("weights", {}).get("modal", 0.5))

    @classmethod
    def load(cls) -> "RoleWeights":
        text = resources.files(__package__).joinpath("data", "roles.toml").read_text(encoding="utf-8")
        return cls(tomllib.loads(text))


ROLE_WEIGHTS = RoleWeights.load()
#: how much of an event trigger's tone weight its harmed target and the clause's other actors
#: keep (data/roles.toml [attribution]; 1 = as any tone word)
ATTRIBUTION = {"target": 1.0, "bystander": 1.0}
ATTRIBUTION.update(tomllib.loads(resources.files(__package__).joinpath("data", "roles.toml").read_text(
    encoding="utf-8")).get("attribution", {}))


def role_components(actor_ids, events, tones, suffering, labels=None, actions: Actions = ACTIONS,
                    weights: RoleWeights = ROLE_WEIGHTS, speaking=None) -> dict[str, dict]:
    """Per actor, the unweighted parts of its role scores: ``{"event": {role: v}, "tone": {...},
    "experience": {...}, "label": {...}, "evidence": [(kind, weight, fields)]}`` (events already
    carry their class weights and confidence; negated events are left out, possible ones count
    ``weights.modal``). An evidence item's fields become a dict only if :func:`combine` shows it."""
    comp = {a: {"event": dict.fromkeys(ROLE_LABELS, 0.0), "tone": dict.fromkeys(ROLE_LABELS, 0.0),
                "experience": dict.fromkeys(ROLE_LABELS, 0.0), "label": dict.fromkeys(ROLE_LABELS, 0.0),
                "evidence": [], "speech": (speaking or {}).get(a, [])} for a in actor_ids}
    classes = actions.classes
    for n, ev in enumerate(events):
        if ev["negated"]:
            continue
        cls = classes[ev["action"]]
        w = ev["confidence"] * (weights.modal if ev["modality"] else 1.0)
        for side, table in (("source", cls.source), ("target", cls.target)):
            c = comp.get(ev[side]) if ev[side] is not None else None
            if c is None:
                continue
            for label, v in table.items():
                if v:
                    c["event"][label] += w * v
                    c["evidence"].append(("event", w * v, (n, side, ev["action"], label, ev["start"], ev["end"])))
    for actor, items in tones.items():
        c = comp.get(actor)
        if c is None or not items:
            continue
        norm = len(items) ** 0.5
        parts, evidence = c["tone"], c["evidence"]
        for tone, a, b, _t in items:
            if tone:
                label = "protagonist" if tone > 0 else "antagonist"
                parts[label] += abs(tone) / norm
                evidence.append(("tone", abs(tone) / norm, (tone, label, a, b)))
    for actor, items in (labels or {}).items():
        c = comp.get(actor)
        if c is None:
            continue
        for v, a, b, t in items:
            label = "protagonist" if v > 0 else "antagonist"
            c["label"][label] += abs(v)
            c["evidence"].append(("label", abs(v), (t, label, a, b)))
    for actor, items in (speaking or {}).items():
        c = comp.get(actor)
        if c is not None:
            for a, b, cue in items:
                c["evidence"].append(("speech", 0.5, (cue, "protagonist", a, b)))  # the text's sources: its side
    for actor, items in suffering.items():
        c = comp.get(actor)
        if c is None:
            continue
        for a, b, word in items:
            c["experience"]["innocent"] += 1.0
            c["evidence"].append(("experience", 1.0, (word, "innocent", a, b)))
    return comp


ATTITUDE_FEATURES = ("events", "events_ba", "tone", "tone_a", "doc_tone_b", "role_b", "role_a", "portrayal_b")
#: the features that come from the document as a whole (every ordered pair has them)
DOCUMENT_FEATURES = ("doc_tone_b", "role_b", "role_a", "portrayal_b")
#: an event's polarity × confidence counts this many times in the features (an act of A toward B
#: says more about A's attitude than the tone around B; the fitted weights are then not shrunk
#: away by the penalty — CV on RuSentRel 0.662 at 1, 0.666 at 10, docs/actors.md)
EVENT_SCALE = 10.0
#: a sentence naming more actors than this («Россия, Китай, Индия, Бразилия и ЮАР…») gives no
#: co-occurrence features: it enumerates (and the pairs would grow as the square of the list)
MAX_COACTORS = 6


def attitude_features(events, actors, actions: Actions = ACTIONS, weights: RoleWeights = ROLE_WEIGHTS,
                      named=None, components=None):
    """Per ordered pair (A, B) linked by an event or named in one sentence: the features of A's
    attitude toward B and their evidence. ``actors``: the result's actor records (with tone,
    mentions and portrayal); ``named``: sentence → the actor ids it names, when the caller has it
    (only sentences naming two or more are read); ``components``: actor → its role components
    (role_b, :func:`.portrayal.role_margin`)."""
    feats: dict[tuple[str, str], dict] = {}
    evidence: dict[tuple[str, str], list] = defaultdict(list)

    def row(key):
        r = feats.get(key)
        if r is None:
            r = feats[key] = dict.fromkeys(ATTITUDE_FEATURES, 0.0)
        return r

    for n, ev in enumerate(events):
        if ev["negated"] or ev["source"] is None or ev["target"] is None:
            continue
        w = actions.classes[ev["action"]].polarity * ev["confidence"]
        if ev["modality"]:
            w *= weights.modal
        row((ev["source"], ev["target"]))["events"] += EVENT_SCALE * w
        row((ev["target"], ev["source"]))["events_ba"] += EVENT_SCALE * w
        evidence[(ev["source"], ev["target"])].append(
            {"event": n, "action": ev["action"], "start": ev["start"], "end": ev["end"], "text": ev["text"],
             "weight": round(w, 3)})
    # per sentence and actor: summed tone, count and the first mention (evidence)
    if named is None:
        named = defaultdict(set)
        for r in actors:
            for m in r["mentions"]:
                named[m["sentence"]].add(r["id"])
    shared = {s for s, ids in named.items() if len(ids) >= 2 and s >= 0}
    by_sentence: dict[int, dict[str, list]] = defaultdict(dict)
    for r in actors:
        rid = r["id"]
        for m in r["mentions"]:
            s = m["sentence"]
            if s not in shared or "stance" in m:
                continue
            cells = by_sentence[s]
            cell = cells.get(rid)
            if cell is None:
                cells[rid] = [m["tone"], 1, m]
            else:
                cell[0] += m["tone"]
                cell[1] += 1
    # pair sums over the sentences naming both: [tone of B, mentions of B, tone of A, mentions of A]
    sums: dict[tuple[str, str], list] = {}
    for s, cells in by_sentence.items():
        if not 2 <= len(cells) <= MAX_COACTORS or s < 0:
            continue  # a sentence naming many actors is a list: it shows no attitude between them
        items = list(cells.items())
        if not any([c[0] for _id, c in items]):
            continue  # no tone on anyone there: the sentence shows no attitude
        for a_id, (ta, na, _ma) in items:
            for b_id, (tb, nb, mb) in items:
                if a_id == b_id:
                    continue
                key = (a_id, b_id)
                acc = sums.get(key)
                if acc is None:
                    sums[key] = [tb, nb, ta, na]
                    evidence[key].append({"start": mb["start"], "end": mb["end"], "text": mb["text"],
                                          "tone": mb["tone"]})
                else:
                    acc[0] += tb
                    acc[1] += nb
                    acc[2] += ta
                    acc[3] += na
    for key, (tb, nb, ta, na) in sums.items():
        r = feats.get(key)
        if r is None:
            r = feats[key] = dict.fromkeys(ATTITUDE_FEATURES, 0.0)
        r["tone"], r["tone_a"] = tb / nb, ta / na
    of = DocumentParts(actors, components).of
    for (a_id, b_id), r in feats.items():
        r["doc_tone_b"], r["role_b"], r["portrayal_b"] = of(b_id)  # DocumentParts.fill, inlined
        r["role_a"] = of(a_id)[1]  # of() computes each actor's parts once
    return feats, evidence


class DocumentParts:
    """What the document says of each actor, for the document-level attitude features of a pair
    A→B: B's tone (``doc_tone_b``), B's and A's role margins (``role_b``, ``role_a``: their own
    events, tone and names, :func:`.portrayal.role_margin`) and B's portrayal (``portrayal_b``:
    the protagonist − antagonist probability). Computed per actor on first need."""

    def __init__(self, actors, components=None):
        self.records = {r["id"]: r for r in actors}
        self.components = components or {}
        self._of: dict[str, tuple[float, float, float]] = {}

    def of(self, actor) -> tuple[float, float, float]:
        """``(tone, role margin, protagonist − antagonist probability)`` of one actor."""
        v = self._of.get(actor)
        if v is None:
            rec = self.records.get(actor) or {}
            sc = (rec.get("portrayal") or {}).get("scores") or {}
            v = self._of[actor] = (rec.get("tone", 0.0), role_margin(self.components.get(actor)),
                                   sc.get("protagonist", 0.0) - sc.get("antagonist", 0.0))
        return v

    def fill(self, row: dict, a_id, b_id) -> dict:
        row["doc_tone_b"], row["role_b"], row["portrayal_b"] = self.of(b_id)
        row["role_a"] = self.of(a_id)[1]
        return row

    def pair(self, feats: dict, a_id, b_id) -> dict:
        """The features of A→B: attitude_features' row when the pair is linked, otherwise the
        document-level ones alone."""
        row = feats.get((a_id, b_id))
        return row if row is not None else self.fill(dict.fromkeys(ATTITUDE_FEATURES, 0.0), a_id, b_id)


def attitude_score(features: dict, weights: dict) -> float:
    """The linear score of one pair (data/roles.toml [attitudes]: bias and one weight per feature)."""
    return weights.get("bias", 0.0) + sum(weights.get(f, 0.0) * features[f] for f in ATTITUDE_FEATURES)


ATTITUDE_WEIGHTS = tomllib.loads(resources.files(__package__).joinpath("data", "roles.toml").read_text(
    encoding="utf-8")).get("attitudes", {"events": 1.0})


def attitudes(events, actors=(), actions: Actions = ACTIONS, weights: RoleWeights = ROLE_WEIGHTS,
              attitude_weights: dict = ATTITUDE_WEIGHTS, named=None, components=None) -> tuple[list[dict], dict]:
    """Directed attitudes A→B (see docs/actors.md) and their features per pair: tone in −1..1 is
    ``2σ(score) − 1`` of the linear score of A's events toward B, B's and A's tone where both are
    named, B's tone and role in the document."""
    feats, evidence = attitude_features(events, actors, actions, weights, named, components)
    bias = attitude_weights.get("bias", 0.0)
    coef = [(f, attitude_weights[f]) for f in ATTITUDE_FEATURES if attitude_weights.get(f)]
    out = []
    for key, f in feats.items():
        if not (f["events"] or f["events_ba"] or f["tone"] or f["tone_a"]):
            continue  # named together, but nothing said of either there: no attitude shown
        z = bias
        for name, w in coef:  # attitude_score, inlined: this loop runs for every shown pair
            z += w * f[name]
        tone = 2.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) - 1.0
        out.append({"source": key[0], "target": key[1], "tone": round(tone, 3), "evidence": evidence[key][:8]})
    out.sort(key=lambda x: (-abs(x["tone"]), x["source"], x["target"]))
    return out, feats
