"""The ``actors`` analyzer: who is named, how, how often, with whom, and in what light.

Per document it finds every actor mention (a span of the text), drops look-alike traps, reads the
grammatical role from pymorphy3's case and the neighbouring preposition, scores the tone of the
mention's clause with the evaluative lexicon, and aggregates per actor and per sentence pair.

Decisions (see docs/actors.md):

* a hyphenated compound ("британско-казахстанское") yields one mention per actor, each with its
  own sub-span ("британско", "казахстанское");
* "анти-"/"про-" adjectives ("антироссийскую") are mentions of the named actor with role
  ``target`` and a ``stance``; they give no tone to that actor (the text reports hostility *toward*
  it, it does not evaluate it), but an "анти-" adjective counts as a negative evaluation of the
  other actors in its clause (the one taking the "антироссийская позиция");
* the tone of a mention is the sum of the evaluative words in its clause (sign flipped after a
  negator), plus half the weight of those elsewhere in the sentence, minus one when the mention
  follows "против" (the actor is the target of the hostility), squashed to -1..1.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from typing import Any

from kzmedia import Document, Finding, Lexicon, LexiconMatcher, Produces, Relation, Score, Span
from kzmedia.memo import FormMemo, FormScreen

from .gazetteer import (DATA, FORMS, STANCE_PREFIXES, Gazetteer, choose_leader, default_gazetteer,
                        possible_cases)
from .events import (ACTIONS, ATTRIBUTION, ROLE_WEIGHTS, Mention, attitudes, cue_holders, extract, group_mentions,
                     role_components)
from .portrayal import ROLE_LABELS, combine, role_features, sides
from .grammar import GRAMMAR, Clauses

VERSION = "1.3.0"  # 1.1: clause-scoped tone with context tier and office-holder rule; 1.1.1: linear clauses, grammar_version; 1.2: events, portrayal, attitudes; 1.3: portrayal by a fitted model over event, speech and side features
#: categories of a tone lexicon (weights set the sign); any other lexicon is an actor lexicon
TONE_CATEGORIES = frozenset({"positive", "negative", "positive_context", "negative_context"})
ROLES = ("subject", "object", "possessor", "oblique", "attribute", "target", "unknown")
PREPOSITIONS = GRAMMAR.prepositions
_HYPHENS = "-\u2010\u2011"
_OPEN_QUOTES = frozenset("«„\"")
_CLOSE_QUOTES = frozenset("»“\"")
_SENTENCE_WEIGHT = 0.5
_DECAY = 8.0
#: tone words further than this many tokens from a mention are not read (at 1 + 48/8 = 7 times
#: weaker they hardly count, and the bound keeps a sentence without punctuation linear)
_WINDOW = 48
#: a person is the direct target of praise and blame; a demonym names people, not the state
_FORM_SCALE = {"person": 2.0, "demonym": 0.5}
_OFFICE_SCALE = 0.3


_UNSET = object()


def _year_of(document) -> int | None:
    """The year of the document's ``date`` metadata (``2019-05-01``, ``2019``), or None."""
    date = str((document.meta or {}).get("date") or "")
    return int(date[:4]) if len(date) >= 4 and date[:4].isdigit() else None


class ActorsResult:
    """A rich result: ``to_dict()`` for JSON, ``findings()`` for the evidence spans."""

    __slots__ = ("body", "document", "components", "attitude_features")

    def __init__(self, body: dict, document: Document, components: dict | None = None,
                 attitude_features: dict | None = None):
        self.body, self.document = body, document
        #: per ordered actor pair, the features of the attitude (events.attitude_features)
        self.attitude_features = attitude_features or {}
        #: per actor, the unweighted parts of its role scores (events.role_components): what an
        #: evaluation refits the tuning numbers of data/roles.toml on, without re-analysing
        self.components = components or {}

    def to_dict(self) -> dict:
        return self.body

    def findings(self):
        out = []
        for actor in self.body["actors"]:
            for m in actor["mentions"]:
                out.append(self.document.finding("actors", actor["id"], m["start"], m["end"],
                                                 score=m["tone"], form=m["form"], role=m["role"]))
        return out


class ActorsAnalyzer:
    """Counts geopolitical actors; see the module docstring for the decisions it makes."""

    name = "actors"
    version = VERSION
    options = {
        "gazetteer": (list, [], "extra gazetteer files (format of data/gazetteer.toml) added to the built-in one"),
        "tone": (str, "", "an extra tone lexicon file (categories 'positive'/'negative') merged with data/tone.toml"),
        "relations": (bool, True, "read events, portrayal (roles) and directed attitudes (off: mentions and tone only)"),
    }
    #: what it reads of a document (kzmedia.protocol)
    requires = ("tokens", "sentences", "morphology")
    _relations_on = True

    @property
    def produces(self) -> Produces:
        """Mentions labelled with actor ids (as many as the gazetteer has: not listed), per-actor
        scores, and — with the ``relations`` option — role scores, events and attitudes."""
        scores = ("mentions", "share", "tone", "total_mentions")
        relations: tuple[str, ...] = ("co-occurs",)
        if self.relations:
            scores += ROLE_LABELS
            relations = (*ACTIONS.classes, "attitude", *relations)
        return Produces({"findings": None, "scores": scores, "relations": relations})

    @property
    def relations(self) -> bool:
        """Events, portrayal and attitudes are computed (the ``relations`` option)."""
        return self._relations_on

    @relations.setter
    def relations(self, value: bool) -> None:
        if bool(value) != self._relations_on:
            self._relations_on = bool(value)
            self._starts = None  # the one pass over the text looks for action words only with them

    def __init__(self, gazetteer: Gazetteer | None = None, tone_lexicon: Lexicon | None = None):
        self._gazetteer = gazetteer
        self._tone_lexicon = tone_lexicon
        self._tone = None
        self._starts: FormMemo | None = None  # built with the gazetteer (see starts_memo)

    def __getstate__(self):
        # the compiled tone matcher is rebuilt lazily in the receiving process (worker processes
        # under "spawn"), the per-form memo refills itself; the gazetteer and lexicon are plain data
        state = dict(self.__dict__)
        state["_tone"] = None
        return state

    # -- set-up -------------------------------------------------------------------------------
    def setup(self, context) -> None:
        """Merge user additions: ``options("actors")["gazetteer"]`` (file or list of files in the
        gazetteer format), ``["tone"]`` (an extra tone lexicon file) and lexicons registered for
        ``actors`` through the ``kzmedia_register_lexicons`` hook."""
        opts = context.options(self.name)
        files = opts.get("gazetteer") or ()
        if isinstance(files, (str, bytes)) or hasattr(files, "__fspath__"):
            files = [files]
        lexicons = context.lexicons(self.name)
        tone_extra = [lx for lx in lexicons if lx.categories and set(lx.categories) <= TONE_CATEGORIES]
        actor_lexicons = [lx for lx in lexicons if lx not in tone_extra]
        if files or actor_lexicons:
            self._gazetteer = Gazetteer.build(files, actor_lexicons)
            self._starts = None
        if "relations" in opts:
            self.relations = bool(opts["relations"])
        if opts.get("tone"):
            tone_extra.append(Lexicon.load(opts["tone"]))
        if tone_extra:
            self._tone_lexicon = self.tone_lexicon.merged(*tone_extra)
            self._tone = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = default_gazetteer()
        return self._gazetteer

    @property
    def tone_lexicon(self) -> Lexicon:
        if self._tone_lexicon is None:
            self._tone_lexicon = Lexicon.load(DATA / "tone.toml")
        return self._tone_lexicon

    @property
    def tone_matcher(self) -> LexiconMatcher:
        if self._tone is None:
            self._tone = LexiconMatcher.cached(self.tone_lexicon, negation_window=2)
        return self._tone

    # -- candidates per word form ---------------------------------------------------------------
    @property
    def starts_memo(self) -> FormMemo:
        """What may start at each word form: ``(name candidates, action candidates)`` (see
        :meth:`_candidates` and :meth:`Actions.candidates`), screened so only forms that are in
        the gazetteer index, carry a stance prefix or a hyphen — or, with ``relations``, anchor an
        action trigger or cue — are looked at. One pass over the text finds both."""
        if self._starts is None:
            index = self.gazetteer.index
            keys = frozenset(index) | (frozenset(ACTIONS.first) if self.relations else frozenset())
            self._starts = FormMemo(self._starting, screen=FormScreen(
                norms=keys, lemmas=keys, prefixes=[p for p, _stance in STANCE_PREFIXES],
                substrings=_HYPHENS))
        return self._starts

    def _starting(self, norm: str, info: tuple) -> tuple:
        names = self._candidates(norm, info[2])
        actions = ACTIONS.candidates(norm, info) if self.relations else ()
        return (names, actions) if names or actions else ()

    def _scan(self, document: Document) -> list:
        """``(position, (name candidates, action candidates))`` of the document, from one pass
        over its tokens (``names`` and ``actions`` split it)."""
        return self.starts_memo.values_at(document.tokens)

    @staticmethod
    def _names(scanned) -> list:
        return [(i, c[0]) for i, c in scanned if c[0]]

    @staticmethod
    def _actions(scanned, sentence_of, sentences) -> list:
        """The action candidates of ``scanned`` in the given sentences."""
        return [(i, c[1]) for i, c in scanned if c[1] and sentence_of[i] in sentences]

    def _candidates(self, norm: str, lemma: str) -> tuple:
        """What may start at a token with this folded form: ``("seq", patterns)``,
        ``("stance", actor, stance)`` or ``("compound", parts)``; () when nothing."""
        g = self.gazetteer
        idx = g.index
        pats = idx.get(norm) or idx.get(lemma)
        if pats:
            return ("seq", pats)
        for prefix, stance in STANCE_PREFIXES:
            if norm.startswith(prefix) and len(norm) > len(prefix) + 4:
                rest = norm[len(prefix):].lstrip("-")
                actor = g.adjective_forms.get(rest)
                if actor:
                    return ("stance", actor, stance)
        if any(h in norm for h in _HYPHENS):
            parts = []
            pos = 0
            pieces = norm.replace("\u2010", "-").replace("\u2011", "-").split("-")
            directions = g.trap("direction_parts")
            if any(p in directions for p in pieces):
                return ()  # Северо-Казахстанская область: a province, not the state
            for k, piece in enumerate(pieces):
                actor = None
                if k < len(pieces) - 1:
                    actor = g.compound_stems.get(piece)
                if actor is None:
                    actor = g.adjective_forms.get(piece)
                if actor is not None:
                    parts.append((pos, pos + len(piece), actor))
                pos += len(piece) + 1
            if parts:
                return ("compound", tuple(parts), len(norm))
        return ()

    # -- matching -----------------------------------------------------------------------------
    def mentions(self, document: Document, scanned: list | None = None) -> list[tuple]:
        """``(token_start, token_end, char_start, char_end, actor, form, stance)`` in text order
        (``scanned``: the name candidates of :meth:`_scan`, when the caller has them)."""
        tokens = document.tokens
        infos = tokens.infos
        starts, ends = tokens.starts, tokens.ends
        text = document.text
        n = len(infos)
        found = self._names(self._scan(document)) if scanned is None else scanned
        if not found:
            return []
        raw = []
        year = _UNSET
        for i, cand in found:
            kind = cand[0]
            if kind == "seq":
                for p in cand[1]:
                    j = i + len(p.words)
                    if j > n:
                        continue
                    ok = True
                    for k in range(1, len(p.words)):
                        inf = infos[i + k]
                        if inf[0] not in p.words[k] and inf[2] not in p.words[k]:
                            ok = False
                            break
                    if not ok:
                        continue
                    if p.exact is not None:
                        if any(text[starts[i + k]:ends[i + k]] != p.exact[k] for k in range(len(p.words))):
                            continue
                    elif p.capital and not text[starts[i]:starts[i] + 1].isupper():
                        continue
                    actor = p.actor
                    if p.leaders:
                        actor = choose_leader(p.leaders, year if year is not _UNSET else
                                              (year := _year_of(document))).actor
                    raw.append((i, j, starts[i], ends[j - 1], actor, p.form, None))
                    break
            elif kind == "stance":
                raw.append((i, i + 1, starts[i], ends[i], cand[1], "adjective", cand[2]))
            else:
                a = starts[i]
                if ends[i] - a != cand[2]:  # invisible characters inside: keep the whole token
                    for actor in dict.fromkeys(p[2] for p in cand[1]):
                        raw.append((i, i + 1, a, ends[i], actor, "adjective", None))
                else:
                    for s, e, actor in cand[1]:
                        raw.append((i, i + 1, a + s, a + e, actor, "adjective", None))
        raw.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        kept = []
        last_end = -1
        last_start = -1
        for m in raw:
            if m[0] >= last_end or (m[0] == last_start and m[1] == last_end and m[2] != kept[-1][2]):
                kept.append(m)
                last_start, last_end = m[0], m[1]
        out = []
        for m in kept:
            if m[4] is None or self._trapped(tokens, m):
                continue
            if m[5] == "adjective" and m[6] is None and m[1] < n:
                nxt = infos[m[1]]
                if nxt[3] == "NOUN" and "anim" in (nxt[4] or "") and nxt[2] not in self.gazetteer.trap("state_persons"):
                    # "российский боксёр", "западные эксперты": the nationality of people
                    m = m[:5] + ("demonym",) + m[6:]
            out.append(m)
        return out

    def _leader(self, document, i: int, j: int):
        """The office a person mention at tokens ``i..j`` names (data/leaders.toml), or None."""
        infos = document.tokens.infos
        idx = self.gazetteer.index
        for p in idx.get(infos[i][0]) or idx.get(infos[i][2]) or ():
            if p.leaders and len(p.words) == j - i and all(
                    infos[i + k][0] in p.words[k] or infos[i + k][2] in p.words[k] for k in range(j - i)):
                return choose_leader(p.leaders, _year_of(document))
        return None

    def _trapped(self, tokens, m) -> bool:
        g = self.gazetteer
        i, j, actor, form = m[0], m[1], m[4], m[5]
        infos = tokens.infos
        n = len(infos)
        prev = i - 1
        if prev >= 0 and infos[prev][0] == "." and prev >= 1:
            prev -= 1  # "ул. Абая"
        nxt = j if j < n else None
        if form in ("name", "metonym", "person"):
            if prev >= 0:
                heads = g.trap("street_heads") | g.trap("person_heads") if form == "person" else g.trap("street_heads")
                p_info = infos[prev]
                if (p_info[0] in heads or p_info[2] in heads) and "plur" not in (p_info[4] or ""):
                    return True
            if form == "person" and nxt is not None and infos[nxt][2] in g.trap("place_tails"):
                return True
            if (form != "person" and i > 0 and nxt is not None and infos[i - 1][0] in _OPEN_QUOTES
                    and infos[nxt][0] in _CLOSE_QUOTES and g.actors.get(actor) is not None
                    and g.actors[actor].kind in ("state", "territory")):
                return True  # «Астана», «Россия»: a club, a TV channel, a newspaper
            if form != "person" and j == i + 1:
                tag = infos[i][4] or ""
                # a first name or surname that happens to inflect like a country
                # ("Доминика Рааба", "Дмитрий Ливанов")
                if "Infr" in tag and "Geox" not in tag:  # «Косово» is an informal-tagged place
                    return True
                if "anim" in tag and ("Name" in tag or "Surn" in tag) and nxt is not None:
                    follower = tokens.surface(nxt)
                    if follower[:1].isupper() and infos[nxt][1] == 0:
                        return True
        if form == "adjective":
            if nxt is not None and infos[nxt][2] in g.trap("language_nouns"):
                return True
            if actor == "WEST" and nxt is not None and infos[nxt][2] in g.trap("west_places"):
                return True
        return False

    # -- roles and tone -------------------------------------------------------------------------
    @staticmethod
    def _role(tokens, i: int, j: int, form: str, stance) -> str:
        if stance is not None:
            return "target"
        if form == "adjective":
            return "attribute"
        infos = tokens.infos
        prev_prep = i > 0 and infos[i - 1][0] in PREPOSITIONS
        tag = infos[i][4] or ""
        if prev_prep:
            return "oblique"
        fixed = not tag or "Fixd" in tag or "Abbr" in tag or "LATN" in tag or tag == "UNKN"
        if fixed:
            # indeclinable (США, ЕС, Shell): read the neighbours instead of the case
            if i > 0 and infos[i - 1][3] == "NOUN":
                return "possessor"
            k = j
            while k < len(infos) and k < j + 3 and infos[k][3] in ("ADVB", "PRCL", None) and infos[k][1] == 0:
                k += 1
            if k < len(infos) and infos[k][3] in ("VERB",):
                return "subject"
            return "unknown"
        nxt = j
        while nxt < len(infos) and nxt < j + 3 and infos[nxt][3] in ("ADVB", "PRCL"):
            nxt += 1
        verb_after = nxt < len(infos) and infos[nxt][3] == "VERB"
        cases = possible_cases(infos[i][0])
        if "nomn" in tag and "accs" not in cases:
            return "subject"  # "заявила Москва": word order does not matter
        if "nomn" in cases and verb_after and not (i > 0 and infos[i - 1][3] == "NOUN"):
            # "Лондон делает ставку", "Акорда ответила" (pymorphy's first parse may be a
            # genitive or accusative look-alike); after a noun a genitive stays a possessor
            return "subject"
        if ("nomn" in tag or "accs" in tag) and i > 0 and infos[i - 1][3] in ("VERB", "INFN"):
            return "object"  # "поддержал Лондон"
        if "nomn" in tag:
            return "subject"
        if "accs" in tag:
            return "object"
        if "gent" in tag:
            return "possessor"
        if "accs" in tag or "datv" in tag or "ablt" in tag:
            return "object"
        if "loct" in tag or "loc2" in tag:
            return "oblique"
        return "unknown"

    # -- the analysis -------------------------------------------------------------------------
    def analyze(self, document: Document, extra_spans=()) -> ActorsResult:
        """The actors result of one document. ``extra_spans`` (``(start, end, id)`` character
        spans) are read as further mentions of the given ids, form ``name`` — how an evaluation
        asks for the portrayal of an entity the annotators marked but the gazetteer lacks."""
        g = self.gazetteer
        scanned = self._scan(document)
        found = self.mentions(document, self._names(scanned))
        if extra_spans:
            found = self._with_extra(document, found, extra_spans)
        body: dict[str, Any] = {"analyzer_version": VERSION, "gazetteer_version": g.version,
                                "grammar_version": GRAMMAR.version,
                                "tone_lexicon": self.tone_lexicon.label, "total_mentions": len(found),
                                "actors": [], "cooccurrence": []}
        if self.relations:
            body.update(actions_version=ACTIONS.version, roles_version=ROLE_WEIGHTS.version,
                        events=[], attitudes=[])
        if not found:
            return ActorsResult(body, document)
        tokens = document.tokens
        infos = tokens.infos
        text = document.text
        sentence_of = document.sentence_index()
        sentences = document.sentences
        tone_hits = self._tone_hits(document, found)
        clauses = Clauses(document, GRAMMAR)
        # per sentence: tone words (token index → (weight, word)), in text order, with their
        # token indices apart for bisection (a mention reads only the words within _WINDOW)
        by_sentence: dict[int, list[tuple[int, float, str]]] = defaultdict(list)
        for k, w, word in tone_hits:
            by_sentence[sentence_of[k]].append((k, w, word))
        keys_by_sentence = {s: [h[0] for h in hits] for s, hits in by_sentence.items()}
        mention_tokens = {k for m in found for k in range(m[0], m[1])}
        # "анти-" adjectives: evidence against the other actors of their clause
        anti_by_sentence: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for m in found:
            if m[6] == "anti":
                anti_by_sentence[sentence_of[m[0]]].append((m[0], m[4], text[m[2]:m[3]]))
        anti_keys = {s: [h[0] for h in hits] for s, hits in anti_by_sentence.items()}

        office_nouns = g.trap("state_persons")
        per_actor: dict[str, dict] = {}
        sent_actors: dict[int, set[str]] = defaultdict(set)
        roles = [self._role(tokens, m[0], m[1], m[5], m[6]) for m in found]
        events, claims, suffering, speaking = [], {}, defaultdict(list), {}
        labels: dict[str, list] = defaultdict(list)  # per actor: the tone of its own names
        ptones: dict[str, list] = defaultdict(list)  # per actor: the tone the portrayal reads
        if self.relations:
            events, claims, suffering, speaking = self._events(document, found, roles, clauses, sentence_of,
                                                                scanned)
        att = ATTRIBUTION
        relations = self.relations
        # the mention tokens that name the innocent (a victim group's own name)
        innocent = ACTIONS.innocent
        innocent_at = {x for x in mention_tokens if infos[x][2] in innocent or infos[x][0] in innocent
                       } if relations else ()
        for n, (i, j, a, b, actor, form, stance) in enumerate(found):
            s = sentence_of[i]
            seg = sentences[s] if s >= 0 else None
            s_start, s_end = (seg.token_start, seg.token_end) if seg else (i, j)
            ca, cb = clauses.bounds(i, j, s_start, s_end)
            lo, hi = i - _WINDOW, j + _WINDOW
            score = own = harmed = 0.0
            evidence = []
            role = roles[n]
            if stance is None:
                hits = by_sentence.get(s, ())
                if hits:
                    keys = keys_by_sentence[s]
                    hits = hits[bisect.bisect_left(keys, lo):bisect.bisect_left(keys, hi)]
                for k, w, word in hits:
                    if k in mention_tokens:
                        if i <= k < j:
                            own += w  # «киевский режим», «боевики ВСУ»: the name itself judges
                        continue
                    if role == "attribute" and k > j:
                        # an adjective's own head noun counts («британско-казахстанское
                        # сотрудничество», «российская агрессия»); the rest of the clause after it
                        # predicates that noun («российские компании выросли…»), not the state
                        continue
                    dist = i - k if k < i else k - j + 1
                    weight = (w if ca <= k < cb else w * _SENTENCE_WEIGHT) / (1.0 + dist / _DECAY)
                    claim = claims.get(k)
                    if claim is not None:
                        # the word is an event's trigger: it counts for that event's arguments
                        # (its harmed target less: the victim or the accused is not thereby bad),
                        # and less for the other actors of the clause
                        if i in claim[1] and claim[2] < 0:
                            weight *= att["target"]
                            harmed += weight  # the portrayal reads it as harm suffered instead
                        elif i not in claim[0] and i not in claim[1]:
                            weight *= att["bystander"]
                    score += weight
                    evidence.append({"word": word, "weight": round(weight, 3)})
                antis = anti_by_sentence.get(s, ())
                if antis:
                    keys = anti_keys[s]
                    antis = antis[bisect.bisect_left(keys, max(lo, ca)):bisect.bisect_left(keys, min(hi, cb))]
                for k, other, word in antis:
                    if other != actor:
                        score -= 1.0
                        evidence.append({"word": word, "weight": -1.0})
                if i > 0 and infos[i - 1][0] == "против":
                    # "санкции против Ирана", "кампания против Японии": the actor is the target
                    # of the hostility (the agent's side is scored by the words themselves)
                    score -= 1.0
                    harmed -= 1.0
                    evidence.append({"word": text[tokens.starts[i - 1]:tokens.ends[i - 1]], "weight": -1.0})
            score *= _FORM_SCALE.get(form, 1.0)
            if role == "possessor" and i > 0 and infos[i - 1][2] in office_nouns and "anim" in (infos[i - 1][4] or ""):
                # «президент России», «посол США», «граждан Франции»: the clause is about the
                # person; the state is named as that person's country and gets a weak share
                score *= _OFFICE_SCALE
            tone = round(score / (1.0 + abs(score)), 3)
            surface = text[a:b]
            mention = {"start": a, "end": b, "text": surface, "form": form, "role": role, "tone": tone,
                       "sentence": s}
            if relations:
                if own:
                    labels[actor].append((own, a, b, surface))
                if not stance:
                    ptone = tone
                    if harmed:
                        # the portrayal's tone leaves out what was done to the actor (a harmed
                        # target, «против X»): the text presents that as harm suffered, not as the
                        # actor's fault
                        p = (score - harmed) * _FORM_SCALE.get(form, 1.0)
                        ptone = round(p / (1.0 + abs(p)), 3)
                    ptones[actor].append((ptone, a, b, surface))
                if innocent_at and not innocent_at.isdisjoint(range(i, j)):
                    suffering[actor].append((a, b, surface))  # «мирные жители», «дети»
            if form == "person":
                leader = self._leader(document, i, j)
                if leader is not None:
                    mention["person"] = leader.to_dict()
            if stance:
                mention["stance"] = stance
            if evidence:
                mention["evidence"] = evidence
            rec = per_actor.get(actor)
            if rec is None:
                info = g.actors.get(actor)
                rec = per_actor[actor] = {
                    "id": actor, "name": info.name if info else actor, "kind": info.kind if info else "state",
                    "count": 0, "first": a, "share": 0.0, "by_form": dict.fromkeys(FORMS, 0),
                    "roles": dict.fromkeys(ROLES, 0), "tone": 0.0, "tone_words": Counter(), "mentions": []}
                if info and info.home:
                    rec["home"] = info.home
            rec["count"] += 1
            rec["by_form"][form] += 1
            rec["roles"][role] += 1
            rec["mentions"].append(mention)
            for e in evidence:
                rec["tone_words"][e["word"]] += e["weight"]
            if s >= 0:
                sent_actors[s].add(actor)
        total = len(found)
        actors = sorted(per_actor.values(), key=lambda r: (-r["count"], r["first"], r["id"]))
        for r in actors:
            r["share"] = round(r["count"] / total, 4)
            scored = [m["tone"] for m in r["mentions"] if "stance" not in m]
            r["tone"] = round(sum(scored) / len(scored), 3) if scored else 0.0
            r["tone_words"] = [{"word": w, "weight": round(v, 3)}
                               for w, v in sorted(r["tone_words"].items(), key=lambda kv: -abs(kv[1]))[:10]]
        pairs: Counter = Counter()
        for members in sent_actors.values():
            ms = sorted(members)
            for x in range(len(ms)):
                for y in range(x + 1, len(ms)):
                    pairs[(ms[x], ms[y])] += 1
        body["actors"] = actors
        comps = feats = None
        if self.relations:
            comps, feats = self._relations(body, actors, events, suffering, labels, sent_actors, speaking, text,
                                           ptones)
        body["cooccurrence"] = [{"a": a, "b": b, "sentences": c}
                                for (a, b), c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))]
        return ActorsResult(body, document, comps, feats)

    def _events(self, document, found, roles, clauses, sentence_of, scanned):
        """Events, the tone words they claim (trigger token → (source mention starts, target
        mention starts, polarity)), the misfortunes presented as each actor's own and the reporting
        words each actor speaks."""
        sentence_set = {sentence_of[m[0]] for m in found}
        matches = ACTIONS.matches(document.tokens, scanned=self._actions(scanned, sentence_of, sentence_set))
        near = {sentence_of[f[0]] for f in matches}
        mentions = [Mention(m[0], m[1], m[2], m[3], m[4], roles[n], m[5], m[6], sentence_of[m[0]], n)
                    for n, m in enumerate(found) if sentence_of[m[0]] in near]
        groups = group_mentions(document.tokens, mentions)
        events = extract(document, mentions, clauses, sentence_of, found=matches, groups=groups)
        tokens = document.tokens
        claims: dict[int, tuple] = {}
        for ev in events:
            k = tokens.index_at(ev["trigger"]["start"])
            src, tgt, pol = claims.get(k, (set(), set(), 0.0))
            if ev["source_span"]:
                src.add(tokens.index_at(ev["source_span"]["start"]))
            if ev["target_span"]:
                tgt.add(tokens.index_at(ev["target_span"]["start"]))
            claims[k] = (src, tgt, ACTIONS.classes[ev["action"]].polarity)
        suffering: dict[str, list] = defaultdict(list)
        speaking: dict[str, list] = defaultdict(list)
        suffer, speak = cue_holders(document, mentions, clauses, sentence_of, found=matches, groups=groups)
        for m, a, b, word in suffer:
            suffering[m.actor].append((a, b, word))
        for m, a, b, cue in speak:
            speaking[m.actor].append((a, b, cue))
        return events, claims, suffering, speaking

    def _relations(self, body, actors, events, suffering, labels, named=None, speaking=None,
                   body_text: str = "", tones=None) -> tuple[dict, dict]:
        """Each actor's ``portrayal`` and the directed ``attitudes`` (see events.py). ``tones``:
        per actor, ``(tone, start, end, text)`` of its mentions without a stance, as the portrayal
        reads them (a harmed target's tone without the harm)."""
        comps = role_components([r["id"] for r in actors], events, tones or {}, suffering, labels, speaking=speaking)
        side_of = sides(actors, body_text, self.gazetteer.actors)
        feats = role_features(comps, events, actors, side_of)
        for r in actors:
            c = comps[r["id"]]
            c["features"] = feats[r["id"]]
            r["portrayal"] = combine(c, c["features"])
        body["events"] = events
        body["attitudes"], feats = attitudes(events, actors, named=named, components=comps)
        return comps, feats

    def _with_extra(self, document, found, extra_spans) -> list[tuple]:
        """Mentions plus the given spans (token-aligned; a span overlapping a mention replaces it)."""
        tokens = document.tokens
        out = list(found)
        for start, end, actor in extra_spans:
            i = tokens.index_at(start)
            j = tokens.index_at(end - 1) + 1 if end > start else i + 1
            if i >= len(tokens):
                continue
            j = min(max(j, i + 1), len(tokens))
            out = [m for m in out if not (m[0] < j and i < m[1])]
            out.append((i, j, tokens.starts[i], tokens.ends[j - 1], actor, "name", None))
        out.sort(key=lambda m: (m[0], m[2]))
        return out

    def _tone_hits(self, document: Document, found) -> list[tuple[int, float, str]]:
        out = []
        text = document.text
        for m in self.tone_matcher.match(document):
            w = m.entry.weight
            if m.negated:
                w = -w
            out.append((m.token_start, w, text[m.start:m.end]))
        return out

    def data_versions(self) -> dict[str, str]:
        """The versions of the data this analyzer read (the results store fingerprints them)."""
        out = {"gazetteer_version": self.gazetteer.version, "grammar_version": GRAMMAR.version,
               "tone_lexicon": self.tone_lexicon.label}
        if self.relations:
            out.update(actions_version=ACTIONS.version, roles_version=ROLE_WEIGHTS.version)
        return out

    # -- the generic result model -------------------------------------------------------------
    @staticmethod
    def result_model(result: dict):
        """Mentions as findings labelled with the actor (scored by tone, with the actor's portrayal),
        each actor's count, share, tone and role scores as scores grouped by actor; events
        (label = action class), directed attitudes (label ``attitude``, score = tone) and
        co-occurrence as relations (``kzmedia.results``)."""
        roles = {a["id"]: (a.get("portrayal") or {}).get("label") for a in result.get("actors") or ()}
        findings = []
        for a in result.get("actors") or ():
            for m in a.get("mentions") or ():
                extra = {"form": m.get("form"), "role": m.get("role")}
                if roles.get(a["id"]):
                    extra["portrayal"] = roles[a["id"]]
                findings.append(Finding("actors", a["id"], m["start"], m["end"], m["text"], m.get("tone"), extra))
        findings.sort(key=lambda x: (x.start, x.end, x.label))
        yield from findings
        for a in result.get("actors") or ():
            yield Score("actors", "mentions", a["count"], "count", a["id"])
            yield Score("actors", "share", a["share"], "share", a["id"])
            if a.get("tone") is not None:
                yield Score("actors", "tone", a["tone"], "tone", a["id"])
            for label, v in ((a.get("portrayal") or {}).get("scores") or {}).items():
                yield Score("actors", label, v, "value", a["id"])
        if "total_mentions" in result:
            yield Score("actors", "total_mentions", result["total_mentions"], "count")
        for ev in result.get("events") or ():
            if ev["source"] is None or ev["target"] is None:
                continue
            spans = [Span(x["start"], x["end"], x["text"])
                     for x in (ev["source_span"], ev["trigger"], ev["target_span"]) if x]
            yield Relation("actors", ev["source"], ev["target"], ev["action"], ev["confidence"], spans,
                           extra={"kind": "event", "negated": ev["negated"], "modality": ev["modality"],
                                  "quoted": ev["quoted"]})
        for att in result.get("attitudes") or ():
            yield Relation("actors", att["source"], att["target"], "attitude", att["tone"],
                           [Span(e["start"], e["end"], e["text"]) for e in att["evidence"]],
                           extra={"kind": "attitude"})
        for p in result.get("cooccurrence") or ():
            yield Relation("actors", p["a"], p["b"], "co-occurs", p.get("sentences"),
                           extra={"sentences": p.get("sentences")})

    def summary(self, result: dict) -> list[str]:
        """Lines for the CLI table: the most-named actors with their forms and tone."""
        lines = []
        for r in result.get("actors", [])[:8]:
            forms = ", ".join(f"{f} {c}" for f, c in r["by_form"].items() if c)
            role = (r.get("portrayal") or {}).get("label")
            badge = f"  {role}" if role and role != "neutral" else ""
            lines.append(f"{r['id']:<14} {r['count']:>3}  {r['share']:.0%}  tone {r['tone']:+.2f}{badge}  ({forms})")
        pairs = result.get("cooccurrence", [])[:3]
        if pairs:
            lines.append("with: " + ", ".join(f"{p['a']}–{p['b']} ×{p['sentences']}" for p in pairs))
        acts = [e for e in result.get("events", ()) if e["source"] and e["target"] and not e["negated"]][:3]
        if acts:
            lines.append("events: " + ", ".join(f"{e['source']} {e['action']} {e['target']}" for e in acts))
        return lines or ["no actors named"]


def corpus_network(results) -> dict:
    """The actor network of a corpus from per-document ``actors`` results (dicts as in the JSON).

    Returns ``{"actors": [{"id", "count", "documents"}], "pairs": [{"a", "b", "sentences",
    "documents"}]}``: mention totals and co-occurrence summed over the documents.
    """
    counts: Counter = Counter()
    doc_counts: Counter = Counter()
    pairs: Counter = Counter()
    pair_docs: Counter = Counter()
    for res in results:
        if hasattr(res, "to_dict"):
            res = res.to_dict()
        for actor in res.get("actors", ()):
            counts[actor["id"]] += actor["count"]
            doc_counts[actor["id"]] += 1
        for p in res.get("cooccurrence", ()):
            pairs[(p["a"], p["b"])] += p["sentences"]
            pair_docs[(p["a"], p["b"])] += 1
    return {
        "actors": [{"id": a, "count": c, "documents": doc_counts[a]}
                   for a, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))],
        "pairs": [{"a": a, "b": b, "sentences": c, "documents": pair_docs[(a, b)]}
                  for (a, b), c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))],
    }
