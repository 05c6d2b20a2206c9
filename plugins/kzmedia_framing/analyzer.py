"""Lexicon framing: which frames a text invokes, how strongly, and where.

Two frame sets are scored separately: ten *domain* frames for writing about Kazakhstan between
Russia, the West and China, and the 14 *generic* frames of the Media Frames Corpus (ids as in
SemEval-2023 Task 3). Each hit is a lexicon match (a span of the text) with the entry's weight; a
frame's score is its weighted hits per 1,000 words. Users add or replace lexicons through
``SetupContext.lexicons("framing")`` (``kzmedia analyze --lexicon framing=PATH`` or the
``kzmedia_register_lexicons`` hook); the rules are documented in ``docs/framing.md``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

import attrs

import kzmedia

ANALYZER_VERSION = "1.0.0"

DOMAIN_FRAMES = (
    "alliance_loyalty", "western_encroachment", "sovereignty", "multivector_balance",
    "economic_pragmatism", "resources_energy", "transit_logistics", "security_threat",
    "russian_decline", "elite_ideology",
)
GENERIC_FRAMES = (
    "Economic", "Capacity_and_resources", "Morality", "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence", "Policy_prescription_and_evaluation",
    "Crime_and_punishment", "Security_and_defense", "Health_and_safety", "Quality_of_life",
    "Cultural_identity", "Public_opinion", "Political", "External_regulation_and_reputation",
)
KINDS = ("domain", "generic", "custom")

#: the frames whose presence in a neutral text would be a false alarm (see docs/framing.md)
CONFLICT_FRAMES = ("western_encroachment", "security_threat")
#: a neutral text must keep each conflict frame at or below this many weighted hits per 1,000 words
CONFLICT_THRESHOLD = 5.0
#: a negated or hypothetical hit counts this much of its weight (see ``_Modality``)
NEGATED_FACTOR = 0.5
NEGATION_WINDOW = 4


@attrs.frozen
class PresenceRule:
    """When a frame counts as *present* in a document (the multi-label decision).

    A frame is present when its score is at least ``min_score`` weighted hits per 1,000 words and
    it has at least ``min_hits`` distinct hits, and one of these holds: it is among the
    ``max_rank`` highest-scoring frames of its kind; it holds at least ``min_share`` of its kind's
    weighted hits; or at least ``min_strong`` of its hits are frame-defining expressions (weight
    at least ``strong_weight`` after the negation discount).
    """

    min_score: float = 8.0
    min_hits: int = 2
    max_rank: int = 3
    min_share: float = 0.15
    min_strong: int = 3
    strong_weight: float = 2.0

    def __call__(self, score: float, hits: int, rank: int, share: float, strong: int = 0) -> bool:
        if score < self.min_score or hits < self.min_hits:
            return False
        return rank <= self.max_rank or share >= self.min_share or strong >= self.min_strong


@attrs.frozen
class DominanceRule:
    """When one frame *dominates* its kind: it is present, ranked first, holds at least
    ``min_share`` of the kind's weighted hits and scores at least ``min_lead`` times the runner-up."""

    min_share: float = 0.25
    min_lead: float = 1.25

    def pick(self, ranked: Sequence["FrameScore"]) -> str | None:
        if not ranked or not ranked[0].present or ranked[0].share < self.min_share:
            return None
        first = ranked[0]
        second = ranked[1].score if len(ranked) > 1 else 0.0
        return first.id if first.score >= self.min_lead * second else None


#: default rules per kind; the generic rule was calibrated with ``kzmedia evaluate frames``
DEFAULT_PRESENCE = {
    "domain": PresenceRule(min_score=8.0, min_hits=2, max_rank=3, min_share=0.15),
    # calibrated on SemEval-2023 ru train (95 articles): F1 is flat for min_share 0.10-0.12 and
    # min_score 4-12, so the middle of that plateau is used rather than the single best point;
    # min_strong 2 and 3 score alike, the stricter one is kept
    "generic": PresenceRule(min_score=8.0, min_hits=2, max_rank=1, min_share=0.11, min_strong=3),
    "custom": PresenceRule(min_score=8.0, min_hits=2, max_rank=3, min_share=0.15),
}
DEFAULT_DOMINANCE = DominanceRule()


def builtin_lexicons() -> list[kzmedia.Lexicon]:
    """The two lexicons shipped with the plugin: ``framing-domain`` and ``framing-generic``."""
    data = resources.files("kzmedia_framing") / "data"
    out = []
    for name in ("domain.toml", "generic.toml"):
        with resources.as_file(data / name) as path:
            out.append(kzmedia.Lexicon.load(path))
    return out


@attrs.frozen
class Evidence:
    """One hit: ``text == document.text[start:end]``, the entry that matched and its weight."""

    start: int
    end: int
    text: str
    entry: str
    weight: float
    lexicon: str
    negated: bool = False
    hypothetical: bool = False

    def to_dict(self) -> dict:
        d = {"start": self.start, "end": self.end, "text": self.text, "entry": self.entry,
             "weight": self.weight, "lexicon": self.lexicon}
        if self.negated:
            d["negated"] = True
        if self.hypothetical:
            d["hypothetical"] = True
        return d


@attrs.frozen
class FrameScore:
    """A frame's standing in one document."""

    id: str
    kind: str
    score: float          # weighted hits per 1,000 words
    hits: int             # number of distinct matched spans
    weight: float         # sum of the hits' weights
    share: float          # this frame's weight / all weight of frames of the same kind
    rank: int | None      # 1 = highest score of its kind; None without hits
    present: bool
    evidence: tuple[Evidence, ...]

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "score": round(self.score, 3), "hits": self.hits,
                "weight": round(self.weight, 3), "share": round(self.share, 4), "rank": self.rank,
                "present": self.present, "evidence": [e.to_dict() for e in self.evidence]}


class FramingResult:
    """What :meth:`FramingAnalyzer.analyze` returns: JSON via :meth:`to_dict`, spans via :meth:`findings`."""

    def __init__(self, document: kzmedia.Document, frames: list[FrameScore], *, lexicon_version: str,
                 lexicons: list[dict], dominant: dict[str, str | None], sentences: list[dict],
                 paragraphs: list[dict]):
        self.document = document
        self.frames = frames
        self.lexicon_version = lexicon_version
        self.lexicons = lexicons
        self.dominant_by_kind = dominant
        self.sentences = sentences
        self.paragraphs = paragraphs

    @property
    def dominant(self) -> str | None:
        return self.dominant_by_kind.get("domain")

    def frame(self, frame_id: str) -> FrameScore:
        for f in self.frames:
            if f.id == frame_id:
                return f
        raise KeyError(frame_id)

    def ranked(self, kind: str) -> list[str]:
        return [f.id for f in sorted((f for f in self.frames if f.kind == kind and f.rank),
                                     key=lambda f: f.rank)]

    def present(self, kind: str | None = None) -> list[str]:
        return [f.id for f in self.frames if f.present and (kind is None or f.kind == kind)]

    def to_dict(self) -> dict:
        kinds = [k for k in KINDS if any(f.kind == k for f in self.frames)]
        return {
            "analyzer_version": ANALYZER_VERSION,
            "lexicon_version": self.lexicon_version,
            "lexicons": list(self.lexicons),
            "words": self.document.words,
            "frames": [f.to_dict() for f in self.frames],
            "dominant": self.dominant_by_kind.get("domain"),
            "dominant_generic": self.dominant_by_kind.get("generic"),
            "ranked": {k: self.ranked(k) for k in kinds},
            "present": {k: self.present(k) for k in kinds},
            "sentences": self.sentences,
            "paragraphs": self.paragraphs,
        }

    def findings(self) -> list[kzmedia.Finding]:
        out = []
        for f in self.frames:
            for e in f.evidence:
                out.append(self.document.finding("framing", f.id, e.start, e.end, score=e.weight,
                                                 entry=e.entry, kind=f.kind))
        out.sort(key=lambda x: (x.start, x.end, x.label))
        return out


class FramingAnalyzer:
    """The ``framing`` analyzer. Build once; :meth:`analyze` is cheap per document.

    ``lexicons`` replaces the built-in lexicons (default: both shipped files); ``extra`` adds
    lexicons. Options (``Pipeline(config={"framing": {...}})``): ``builtin`` (bool, default true),
    ``presence`` / ``presence_generic`` / ``presence_domain`` (mappings of :class:`PresenceRule`
    fields), ``segments`` (bool, default true: per-sentence and per-paragraph scores).
    """

    name = "framing"
    version = ANALYZER_VERSION

    def __init__(self, lexicons: Sequence[kzmedia.Lexicon] | None = None,
                 extra: Iterable[kzmedia.Lexicon] = (), **options: Any):
        self._base = list(lexicons) if lexicons is not None else None
        self._own_extra = list(extra)
        self._extra = list(extra)
        self._own_options = dict(options)
        self._options = dict(options)
        self._matcher: kzmedia.LexiconMatcher | None = None
        self._denials = kzmedia.FormMemo(_Modality.is_denial, screen=kzmedia.FormScreen(
            norms=_Modality.IRREALIS | _Modality.DENIAL_WORDS, prefixes=_Modality.DENIAL_PREFIXES))

    # -- set-up -----------------------------------------------------------------------------
    def setup(self, context) -> None:
        """Merge lexicons registered for ``framing`` and read options; builds the matcher once."""
        # idempotent: a second setup() replaces what the previous context contributed
        self._extra = self._own_extra + list(context.lexicons(self.name))
        self._options = {**context.options(self.name), **self._own_options}
        self._matcher = None
        self._build()

    def _build(self) -> None:
        base = self._base
        if base is None:
            base = builtin_lexicons() if self._options.get("builtin", True) else []
        # an extra lexicon named like a built-in one replaces it (override without forking)
        replaced = {lex.name for lex in self._extra}
        lexicons = [lex for lex in base if lex.name not in replaced] + self._extra
        if not lexicons:
            raise kzmedia.PluginError("framing: no lexicon to match (built-ins disabled and none added)")
        kinds: dict[str, str] = {f: "domain" for f in DOMAIN_FRAMES}
        kinds.update({f: "generic" for f in GENERIC_FRAMES})
        builtin_names = {"framing-domain", "framing-generic"}
        definitions: dict[str, str] = {}
        for lex in lexicons:
            for cid, cat in lex.categories.items():
                if cid not in kinds:
                    declared = cat.extra.get("kind") if lex.name in builtin_names else None
                    kinds[cid] = declared if declared in KINDS else "custom"
                if cat.definition and cid not in definitions:
                    definitions[cid] = cat.definition
        self.lexicons = lexicons
        self.frame_kinds = kinds
        self.definitions = definitions
        self.lexicon_version = "+".join(lex.label for lex in lexicons)
        presence = dict(DEFAULT_PRESENCE)
        for kind in KINDS:
            spec = {**(self._options.get("presence") or {}), **(self._options.get(f"presence_{kind}") or {})}
            if spec:
                presence[kind] = attrs.evolve(presence[kind], **spec)
        self.presence = presence
        self.dominance = DEFAULT_DOMINANCE
        self.segments = bool(self._options.get("segments", True))
        # compiled once per machine: later runs load it from the on-disk cache
        self._matcher = kzmedia.LexiconMatcher.cached(lexicons, overlap="longest")

    @property
    def matcher(self) -> kzmedia.LexiconMatcher:
        if self._matcher is None:
            self._build()
        return self._matcher

    # -- analysis ---------------------------------------------------------------------------
    def hits(self, document: kzmedia.Document) -> dict[str, list[Evidence]]:
        """Frame id → evidence in text order. One span counts once per frame (the heaviest entry)."""
        matcher = self.matcher
        text = document.text
        modality = _Modality(document, self._denials)
        negated_at, sentence_of, supposed = modality.negated, modality.sentence_of, modality.supposed
        frame_kinds = self.frame_kinds
        # keyed by (start, -end, frame): sorting the keys is sorting the evidence in text order
        best: dict[tuple[int, int, str], Evidence] = {}
        for m in matcher.match(document):
            entry = m.entry
            if entry.weight <= 0:
                continue
            i = m.token_start
            negated = negated_at(i)
            hypothetical = sentence_of[i] in supposed
            # a mention that is negated ("нет военной угрозы") or only hypothetical / denied
            # ("нападение означало бы…", "сценарий невозможен") still brings the frame up, but
            # does not assert it: half weight
            weight = float(entry.weight) * (NEGATED_FACTOR if negated or hypothetical else 1.0)
            evidence = None
            for cid in entry.categories:
                if cid not in frame_kinds:
                    continue
                key = (m.start, -m.end, cid)
                old = best.get(key)
                if old is None or weight > old.weight:
                    if evidence is None:
                        evidence = Evidence(m.start, m.end, text[m.start:m.end], entry.id, weight, m.lexicon,
                                            negated, hypothetical)
                    best[key] = evidence
        # across lexicons too, the longest span wins inside one frame: a user's "стратегическая
        # самостоятельность" replaces the built-in "самостоятельность" it contains (kept spans of a
        # frame start at or before this one, so it is contained when it ends no later than one of
        # the last few)
        out: dict[str, list[Evidence]] = {}
        ends: dict[str, list[int]] = {}
        for key in sorted(best):
            ev, cid = best[key], key[2]
            kept = out.get(cid)
            if kept is None:
                out[cid], ends[cid] = [ev], [ev.end]
            elif max(ends[cid][-4:]) < ev.end:
                kept.append(ev)
                ends[cid].append(ev.end)
        return out

    def analyze(self, document: kzmedia.Document) -> FramingResult:
        if isinstance(document, str):
            document = kzmedia.Document.from_text(document)
        hits = self.hits(document)
        words = max(document.words, 1)
        frames: list[FrameScore] = []
        dominant: dict[str, str | None] = {}
        order = {**{f: i for i, f in enumerate(DOMAIN_FRAMES)}, **{f: i for i, f in enumerate(GENERIC_FRAMES)}}
        for kind in KINDS:
            ids = [f for f, k in self.frame_kinds.items() if k == kind]
            if not ids:
                continue
            weights = {f: sum(e.weight for e in hits.get(f, ())) for f in ids}
            total = sum(weights.values())
            ranked = sorted((f for f in ids if weights[f] > 0),
                            key=lambda f: (-weights[f], -len(hits[f]), order.get(f, 99), f))
            rank_of = {f: i + 1 for i, f in enumerate(ranked)}
            rule = self.presence[kind]
            scored = []
            for f in ids:
                w = weights[f]
                n = len(hits.get(f, ()))
                score = 1000.0 * w / words
                share = w / total if total else 0.0
                rank = rank_of.get(f)
                strong = sum(1 for e in hits.get(f, ()) if e.weight >= rule.strong_weight)
                present = bool(rank) and rule(score, n, rank, share, strong)
                scored.append(FrameScore(f, kind, score, n, w, share, rank, present,
                                         tuple(hits.get(f, ()))))
            scored.sort(key=lambda s: (s.rank or 10_000, order.get(s.id, 99), s.id))
            frames.extend(scored)
            if kind != "custom":
                dominant[kind] = self.dominance.pick([s for s in scored if s.rank])
        sentences, paragraphs = ([], [])
        if self.segments:
            sentences = _segment_scores(document, document.sentences, hits)
            paragraphs = _segment_scores(document, document.paragraphs, hits)
        lexicons = [{"name": lex.name, "version": lex.version} for lex in self.lexicons]
        return FramingResult(document, frames, lexicon_version=self.lexicon_version,
                             lexicons=lexicons, dominant=dominant, sentences=sentences,
                             paragraphs=paragraphs)

    def data_versions(self) -> dict[str, str]:
        """The versions of the data this analyzer read (the results store fingerprints them)."""
        return {"lexicon_version": self.lexicon_version}

    # -- the generic result model -------------------------------------------------------------
    @staticmethod
    def result_model(result: Mapping):
        """Each frame's evidence as findings labelled with the frame, and its score (per 1,000
        words), hits and share as scores grouped by frame (``kzmedia.results``)."""
        findings = []
        for f in result.get("frames") or ():
            for e in f.get("evidence") or ():
                findings.append(kzmedia.Finding("framing", f["id"], e["start"], e["end"], e["text"], e.get("weight"),
                                                {"entry": e.get("entry"), "kind": f.get("kind")}))
        findings.sort(key=lambda x: (x.start, x.end, x.label))
        yield from findings
        for f in result.get("frames") or ():
            yield kzmedia.Score("framing", "score", f["score"], "per_1000_words", f["id"])
            yield kzmedia.Score("framing", "hits", f["hits"], "count", f["id"])
            yield kzmedia.Score("framing", "share", f["share"], "share", f["id"])

    # -- presentation -----------------------------------------------------------------------
    def summary(self, result: Mapping) -> list[str]:
        """Lines for ``kzmedia analyze --format table``."""
        lines = [f"lexicons: {result.get('lexicon_version')}"]
        frames = result.get("frames", [])
        for kind in KINDS:
            top = [f for f in frames if f.get("kind") == kind and f.get("hits")]
            if not top:
                continue
            top.sort(key=lambda f: -f["score"])
            dom = result.get("dominant") if kind == "domain" else result.get("dominant_generic")
            parts = []
            for f in top[:5]:
                mark = "*" if f.get("present") else ""
                parts.append(f"{f['id']}{mark} {f['score']:.1f} ({f['hits']})")
            lines.append(f"{kind}: " + ", ".join(parts) + (f"  dominant: {dom}" if dom else ""))
        lines.append("(score = weighted hits per 1,000 words; * = present)")
        return lines


class _Modality:
    """Is a hit negated, or does its sentence only suppose or deny what it names?

    *Negated*: не / ни / нет / без within ``NEGATION_WINDOW`` words before the hit, in the same
    clause (punctuation ends the search); «не только», «не просто», «не менее» do not negate.
    *Hypothetical*: the sentence has the conditional particle бы/б, or calls the thing impossible
    or unlikely (невозможно, маловероятно, исключено, немыслимо).
    """

    NEGATORS = frozenset({"не", "ни", "нет", "без"})
    NOT_NEGATING = frozenset({"только", "просто", "лишь", "менее", "раз", "столько", "случайно"})
    IRREALIS = frozenset({"бы", "б"})
    DENIAL_PREFIXES = ("невозмож", "маловероят", "немыслим")
    DENIAL_WORDS = frozenset({"исключено", "исключен", "исключена"})

    def __init__(self, document: kzmedia.Document, denials: kzmedia.FormMemo):
        self.document = document
        self.tokens = tokens = document.tokens
        self.sentence_of = sentence_of = document.sentence_index()
        # where the document's negators are: most hits are nowhere near one
        self._negators = tokens.positions(self.NEGATORS.intersection(tokens.forms))
        #: the sentences (indices) that only suppose or deny what they say
        self.supposed = {sentence_of[k] for k in denials.positions(tokens)}
        self.supposed.discard(-1)

    @classmethod
    def is_denial(cls, norm: str, info: tuple) -> bool:
        """Does this word make its sentence hypothetical (for :class:`kzmedia.FormMemo`)?"""
        return norm in cls.IRREALIS or norm in cls.DENIAL_WORDS or norm.startswith(cls.DENIAL_PREFIXES)

    def negated(self, i: int) -> bool:
        negators = self._negators
        j = bisect.bisect_left(negators, i) - 1
        if j < 0:
            return False
        nearest = negators[j]
        if i - nearest > NEGATION_WINDOW and self.document.words_in(nearest + 1, i) >= NEGATION_WINDOW:
            return False  # the walk below would stop before reaching it
        tokens, sent = self.tokens, self.sentence_of
        seen = 0
        k = i - 1
        while k >= 0 and seen < NEGATION_WINDOW and sent[k] == sent[i]:
            if not tokens.is_word(k):
                if tokens.surface(k) not in "-":
                    return False  # a comma, dash or bracket closes the clause
                k -= 1
                continue
            norm = tokens.norm(k)
            if norm in self.NEGATORS:
                nxt = tokens.norm(k + 1) if k + 1 < len(tokens) else ""
                return not (norm == "не" and nxt in self.NOT_NEGATING)
            seen += 1
            k -= 1
        return False


def _segment_scores(document: kzmedia.Document, segments, hits: Mapping[str, list[Evidence]]) -> list[dict]:
    """Per sentence / paragraph: frame scores (weighted hits per 1,000 words of the segment).

    Only segments with at least one hit are listed; ``index`` is the segment's position in
    ``document.sentences`` / ``document.paragraphs``.
    """
    if not segments:
        return []
    starts = [s.start for s in segments]
    acc: dict[int, dict[str, float]] = {}
    for fid, evs in hits.items():
        for e in evs:
            k = bisect.bisect_right(starts, e.start) - 1
            if k < 0 or e.start >= segments[k].end:
                continue
            d = acc.setdefault(k, {})
            d[fid] = d.get(fid, 0.0) + e.weight
    out = []
    for k in sorted(acc):
        seg = segments[k]
        words = document.words_in(seg.token_start, seg.token_end) or 1
        weights = sorted(acc[k].items(), key=lambda kv: -kv[1])
        out.append({
            "index": k, "start": seg.start, "end": seg.end, "words": words,
            "weights": {f: round(w, 3) for f, w in weights},
            "scores": {f: round(1000.0 * w / words, 2) for f, w in weights},
        })
    return out
