"""Lexicon framing: which frames a text invokes, how strongly, and where.

Two frame sets are scored separately: ten *domain* frames for writing about Kazakhstan between
Russia, the West and China (counted only where the text is about Kazakhstan or Central Asia: the
regional gate, ``data/region.toml``), and the 14 *generic* frames of the Media Frames Corpus (ids
as in SemEval-2023 Task 3). Each hit is a lexicon match (a span of the text) with the entry's weight; a
frame's score is its weighted hits per 1,000 words. Users add or replace lexicons through
``SetupContext.lexicons("framing")`` (``kzmedia analyze --lexicon framing=PATH`` or the
``kzmedia_register_lexicons`` hook); the rules are documented in ``docs/framing.md``.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

import attrs

import kzmedia
from kzmedia.compat import tomllib
from kzmedia.memo import FormMemo, FormScreen
from kzmedia.morphology import LEMMA, TAG
from kzmedia.config import ConfigError, Option
from kzmedia.stance import DATA_VERSION as STANCE_VERSION
from kzmedia.stance import NAMED, Stance, StanceIndex

ANALYZER_VERSION = "2.4.0"  # 2.0: stance per evidence item; scores count asserted evidence only
# 2.1: name entries need a common-word cue, hits inside a body's name chain do not count, presence needs
# two distinct entries
# 2.2: no evidence inside function-word expressions or capitalised institution names; frames marked
# `needs_cue` count their other words only beside one of their cue entries
# 2.3: no evidence inside a person's title (before the name or in apposition after it) or a statute's
# «о» complement; economic_pragmatism and Quality_of_life's light words need their cue; a person's name
# counts only in the genitive right after a word of its frame
# 2.4: the regional gate: a domain frame's evidence counts only in or beside a sentence that mentions
# Kazakhstan or Central Asia (``data/region.toml``); the rest is reported apart as ``off_region``

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
#: a category of this kind is not a frame: its spans cancel the frame hits strictly inside them
IDIOM_KIND = "idiom"
#: a category of this kind is not a frame: its matches mention the region the domain frames are about
REGION_KIND = "region"


def _load_tuning() -> dict:
    with (resources.files("kzmedia_framing") / "data" / "tuning.toml").open("rb") as fh:
        return tomllib.load(fh)


TUNING = _load_tuning()
#: version of ``data/tuning.toml`` (recorded in every result as ``tuning_version``)
TUNING_VERSION: str = TUNING["version"]
#: the frames whose presence in a neutral text would be a false alarm (see docs/framing.md)
CONFLICT_FRAMES = tuple(TUNING["conflict_frames"])
#: a neutral text must keep each conflict frame at or below this many weighted hits per 1,000 words
CONFLICT_THRESHOLD = float(TUNING["conflict_threshold"])
#: single words of at most this weight need another cue of their frame in the sentence
CONTEXT_MAX_WEIGHT = float(TUNING["context"]["max_weight"])
#: an entry of a domain frame (word or expression) of at most this weight needs context too
DOMAIN_CONTEXT_MAX_WEIGHT = float(TUNING["context"].get("domain_max_weight", 0.0))
NAME_GRAMMEMES = frozenset(TUNING["context"]["name_grammemes"])
#: name entries («ООН», «Путин») count only beside a common-word cue of their frame
NAMES_NEED_CONTEXT = bool(TUNING["context"].get("names", False))
#: nouns that head a body's name or an official's title: their genitive / «по» chain names, not frames
BODY_NOUNS = frozenset(TUNING["body_names"]["nouns"])
BODY_WINDOW = int(TUNING["body_names"]["window"])
#: head nouns of a capitalised name («Договор о …», «Всемирный банк»): the lower-case words after them name
#: nouns of a statute («закон о …», «указ о …»): the lower-case words of their «о» complement name the act
STATUTE_NOUNS = frozenset(TUNING["body_names"].get("statutes", ()))
NAME_HEADS = BODY_NOUNS | frozenset(TUNING["body_names"]["name_heads"])
#: how many words a person's title may hold between its animate noun and the name
TITLE_WINDOW = int(TUNING.get("titles", {}).get("window", 0))
PERSON_GRAMMEMES = ("Name", "Surn", "Patr")
#: words that may stand inside a name's chain between its head and a hit («Договор о нераспространении …»)
NAME_CHAIN_WORDS = frozenset(("о", "об", "по", "при", "и", "за", "для"))
#: compound prepositions and parenthetical phrases (exact folded forms) → no evidence inside them;
#: indexed by their longest word («отношении» of «в отношении»), which is rarer than «в» or «по»
FUNCTION_PHRASES: dict[str, list[tuple[tuple[str, ...], int]]] = {}
for _p in TUNING["function_words"]["phrases"]:
    _w = tuple(_p.replace("ё", "е").split())
    _k = max(range(len(_w)), key=lambda n: len(_w[n]))
    FUNCTION_PHRASES.setdefault(_w[_k], []).append((_w, _k))
#: in a ``needs_cue`` frame, how many sentences either side a cue entry reaches
CUE_WINDOW = int(TUNING["cues"]["sentence_window"])
REJECTED_MIN_WEIGHT = float(TUNING["rejected"]["min_weight"])
#: a domain frame's evidence counts only this many sentences from a mention of the region (0: its own)
REGION_WINDOW = int(TUNING["region"]["sentence_window"])
#: a document with the region in at least this share of its sentences is about the region: all of it counts
REGION_DOCUMENT_SHARE = float(TUNING["region"]["document_share"])


@attrs.frozen
class PresenceRule:
    """When a frame counts as *present* in a document (the multi-label decision).

    A frame is present when its score (asserted evidence only) is at least ``min_score`` weighted
    hits per 1,000 words, it has at least ``min_hits`` distinct asserted hits of at least
    ``min_entries`` distinct lexicon entries (one general word, however often repeated, is not a
    frame), and one of these
    holds: it is among the ``max_rank`` highest-scoring frames of its kind; it holds at least
    ``min_share`` of its kind's weighted hits; or at least ``min_strong`` of its hits are
    frame-defining expressions (weight at least ``strong_weight``).
    """

    min_score: float = 8.0
    min_hits: int = 2
    max_rank: int = 3
    min_share: float = 0.15
    min_strong: int = 3
    strong_weight: float = 2.0
    min_entries: int = 1

    def __call__(self, score: float, hits: int, rank: int, share: float, strong: int = 0,
                 entries: int | None = None) -> bool:
        if score < self.min_score or hits < self.min_hits:
            return False
        if (hits if entries is None else entries) < self.min_entries:
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


#: default rules per kind (``data/tuning.toml``); the generic rule is checked by cross-validation
#: with ``kzmedia evaluate frames --folds``
DEFAULT_PRESENCE = {kind: PresenceRule(**TUNING["presence"][kind]) for kind in KINDS}
DEFAULT_DOMINANCE = DominanceRule(**TUNING["dominance"])


def builtin_lexicons() -> list[kzmedia.Lexicon]:
    """The lexicons shipped with the plugin: ``framing-domain``, ``framing-generic``,
    ``framing-idioms`` (expressions that only look like frame vocabulary) and ``framing-region``
    (mentions of Kazakhstan and Central Asia, which the domain frames' evidence needs nearby)."""
    data = resources.files("kzmedia_framing") / "data"
    out = []
    for name in ("domain.toml", "generic.toml", "idioms.toml", "region.toml"):
        with resources.as_file(data / name) as path:
            out.append(kzmedia.Lexicon.load(path))
    return out


@attrs.frozen
class Evidence:
    """One hit: ``text == document.text[start:end]``, the entry that matched, its weight and how
    the text holds it (:class:`kzmedia.Stance`: asserted, negated, contrasted, distanced …)."""

    start: int
    end: int
    text: str
    entry: str
    weight: float
    lexicon: str
    stance: Stance = Stance()
    #: index of the evidence's sentence in ``document.sentences`` (-1 outside any)
    sentence: int = attrs.field(default=-1, eq=False, repr=False)

    @property
    def asserted(self) -> bool:
        return self.stance.asserted

    def to_dict(self) -> dict:
        d = {"start": self.start, "end": self.end, "text": self.text, "entry": self.entry,
             "weight": self.weight, "lexicon": self.lexicon, "stance": self.stance.label}
        st = self.stance
        if st.cue_start is not None:
            d["cue"] = {"start": st.cue_start, "end": st.cue_end, "text": st.cue, "kind": st.kind}
        if st.speaker_start is not None:
            d["speaker"] = {"start": st.speaker_start, "end": st.speaker_end, "text": st.speaker}
        return d


@attrs.frozen
class FrameScore:
    """A frame's standing in one document: what the text asserts, and apart from it what it
    rejects (negates, contrasts away, distances itself from, only supposes or answers «нет»)."""

    id: str
    kind: str
    score: float          # weighted asserted hits per 1,000 words
    hits: int             # number of distinct asserted spans
    weight: float         # sum of the asserted hits' weights
    share: float          # this frame's weight / all weight of frames of the same kind
    rank: int | None      # 1 = highest score of its kind; None without asserted hits
    present: bool
    evidence: tuple[Evidence, ...]            # asserted evidence
    rejected: tuple[Evidence, ...] = ()       # evidence the text does not assert
    rejected_score: float = 0.0               # its weight per 1,000 words
    #: a domain frame's hits away from any mention of the region: not evidence of the frame (not
    #: counted anywhere), listed so that nothing the lexicon matched vanishes unseen
    off_region: tuple[Evidence, ...] = ()

    @property
    def rejected_weight(self) -> float:
        return sum(e.weight for e in self.rejected)

    @property
    def stance(self) -> str:
        """``asserted`` (present), ``rejected`` (not present, and at least as much of its evidence
        is rejected as asserted),
        ``mentioned`` (some evidence) or ``absent``."""
        if self.present:
            return "asserted"
        rw = self.rejected_weight
        if rw >= REJECTED_MIN_WEIGHT and rw >= self.weight:
            return "rejected"
        return "mentioned" if self.evidence or self.rejected else "absent"

    def to_dict(self) -> dict:
        d = {"id": self.id, "kind": self.kind, "score": round(self.score, 3), "hits": self.hits,
             "weight": round(self.weight, 3), "share": round(self.share, 4), "rank": self.rank,
             "present": self.present, "stance": self.stance,
             "evidence": [e.to_dict() for e in self.evidence],
             "rejected": {"score": round(self.rejected_score, 3), "hits": len(self.rejected),
                          "weight": round(self.rejected_weight, 3),
                          "evidence": [e.to_dict() for e in self.rejected]}}
        if self.kind == "domain":
            d["off_region"] = {"hits": len(self.off_region),
                               "weight": round(sum(e.weight for e in self.off_region), 3),
                               "evidence": [e.to_dict() for e in self.off_region]}
        return d


@attrs.frozen
class Region:
    """Where a document mentions the region the domain frames are about (Kazakhstan, Central Asia):
    the spans of the mentions (``framing-region`` matches and hyphenated compounds), the sentences
    holding one, whether the document is *about* the region (it is mentioned in at least
    ``document_share`` of the sentences) and the sentences a domain frame's evidence may stand in:
    all of them in a document about the region, else those up to ``window`` either side of a
    mention inside its paragraph (a new paragraph may be about another country)."""

    mentions: tuple[tuple[int, int], ...]
    sentences: frozenset[int]
    window: int
    document_share: float
    about: bool
    allowed: frozenset[int] = attrs.field(eq=False, repr=False)

    @classmethod
    def of(cls, mentions: Iterable[tuple[int, int]], sentences: Iterable[int], document: kzmedia.Document,
           window: int = REGION_WINDOW, document_share: float = REGION_DOCUMENT_SHARE) -> "Region":
        sentences = frozenset(s for s in sentences if s >= 0)
        n = len(document.sentences)
        about = bool(sentences) and len(sentences) >= document_share * n
        if about:
            allowed = frozenset(range(n))
        elif window and sentences:
            paragraph_of = _paragraph_of_sentence(document)
            allowed = frozenset(s + d for s in sentences for d in range(-window, window + 1)
                                if 0 <= s + d < n and paragraph_of[s + d] == paragraph_of[s])
        else:
            allowed = sentences
        return cls(tuple(sorted(set(mentions))), sentences, window, document_share, about, allowed)

    def to_dict(self, document: kzmedia.Document) -> dict:
        text = document.text
        return {"sentence_window": self.window, "document_share": self.document_share,
                "about_region": self.about, "sentences": sorted(self.sentences),
                "mentions": [{"start": a, "end": b, "text": text[a:b]} for a, b in self.mentions]}


class FramingResult:
    """What :meth:`FramingAnalyzer.analyze` returns: JSON via :meth:`to_dict`, spans via :meth:`findings`."""

    def __init__(self, document: kzmedia.Document, frames: list[FrameScore], *, lexicon_version: str,
                 lexicons: list[dict], dominant: dict[str, str | None], sentences: list[dict],
                 paragraphs: list[dict], region: "Region | None" = None):
        self.document = document
        #: the mentions of the region the domain frames were gated on (None: no gate)
        self.region = region
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

    def rejected(self, kind: str | None = None) -> list[str]:
        """The frames the text brings up mostly to reject them (:attr:`FrameScore.stance`)."""
        return [f.id for f in self.frames if f.stance == "rejected" and (kind is None or f.kind == kind)]

    def to_dict(self) -> dict:
        kinds = [k for k in KINDS if any(f.kind == k for f in self.frames)]
        return {
            "analyzer_version": ANALYZER_VERSION,
            "lexicon_version": self.lexicon_version,
            "stance_version": STANCE_VERSION,
            "tuning_version": TUNING_VERSION,
            "lexicons": list(self.lexicons),
            "words": self.document.words,
            "frames": [f.to_dict() for f in self.frames],
            "dominant": self.dominant_by_kind.get("domain"),
            "dominant_generic": self.dominant_by_kind.get("generic"),
            "ranked": {k: self.ranked(k) for k in kinds},
            "present": {k: self.present(k) for k in kinds},
            "rejected": {k: self.rejected(k) for k in kinds},
            "sentences": self.sentences,
            "paragraphs": self.paragraphs,
            "region": self.region.to_dict(self.document) if self.region is not None else None,
        }

    def findings(self) -> list[kzmedia.Finding]:
        out = []
        for f in self.frames:
            for e in (*f.evidence, *f.rejected):
                out.append(self.document.finding("framing", f.id, e.start, e.end, score=e.weight,
                                                 entry=e.entry, kind=f.kind, stance=e.stance.label))
        out.sort(key=lambda x: (x.start, x.end, x.label))
        return out


class FramingAnalyzer:
    """The ``framing`` analyzer. Build once; :meth:`analyze` is cheap per document.

    ``lexicons`` replaces the built-in lexicons (default: both shipped files); ``extra`` adds
    lexicons. Options (``Pipeline(config={"framing": {...}})``): ``builtin`` (bool, default true),
    ``presence`` / ``presence_generic`` / ``presence_domain`` (mappings of :class:`PresenceRule`
    fields), ``segments`` (bool, default true: per-sentence and per-paragraph scores), ``region``
    (bool, default true: the regional gate of the domain frames, see :class:`Region`).
    """

    name = "framing"
    version = ANALYZER_VERSION
    #: declared, so that a misspelt ``--set framing.…`` or configuration key is an error
    options = {
        "builtin": Option(bool, True, "use the shipped lexicons (off: only lexicons given with --lexicon framing=FILE)"),
        "presence": Option(dict, {}, "PresenceRule fields for every kind of frame, e.g. {max_rank = 2}"),
        "presence_domain": Option(dict, {}, "PresenceRule fields for the domain frames"),
        "presence_generic": Option(dict, {}, "PresenceRule fields for the generic (SemEval) frames"),
        "presence_custom": Option(dict, {}, "PresenceRule fields for frames of your own lexicons"),
        "segments": Option(bool, True, "per-sentence and per-paragraph scores"),
        "region": Option(bool, True, "domain frames count only in or beside a sentence that mentions Kazakhstan or "
                                     "Central Asia (the framing-region lexicon); off: anywhere"),
    }
    #: what it reads of a document (kzmedia.protocol): frames are counted per sentence and paragraph
    requires = ("tokens", "sentences", "paragraphs", "morphology")

    @property
    def produces(self) -> kzmedia.Produces:
        """Findings labelled with the frames of its lexicons (known once ``setup`` merged them)
        and four scores per frame."""
        frames = getattr(self, "frame_kinds", None)
        return kzmedia.Produces({"findings": None if frames is None else tuple(frames),
                                 "scores": ("score", "hits", "share", "rejected_score")})

    def __init__(self, lexicons: Sequence[kzmedia.Lexicon] | None = None,
                 extra: Iterable[kzmedia.Lexicon] = (), **options: Any):
        self._base = list(lexicons) if lexicons is not None else None
        self._own_extra = list(extra)
        self._extra = list(extra)
        self._own_options = dict(options)
        self._options = dict(options)
        self._matcher: kzmedia.LexiconMatcher | None = None

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
        shipped = {id(lex) for lex in base} if self._base is None else set()  # this plugin's own files
        # an extra lexicon named like a built-in one replaces it (override without forking)
        replaced = {lex.name for lex in self._extra}
        lexicons = [lex for lex in base if lex.name not in replaced] + self._extra
        if not lexicons:
            raise kzmedia.PluginError("framing: no lexicon to match (built-ins disabled and none added)")
        kinds: dict[str, str] = {f: "domain" for f in DOMAIN_FRAMES}
        kinds.update({f: "generic" for f in GENERIC_FRAMES})
        builtin_names = {"framing-domain", "framing-generic", "framing-idioms", "framing-region"}
        definitions: dict[str, str] = {}
        idioms: set[str] = set()
        regions: set[str] = set()
        compound_parts: set[str] = set()
        for lex in lexicons:
            for cid, cat in lex.categories.items():
                declared = cat.extra.get("kind")
                if declared == IDIOM_KIND:
                    idioms.add(cid)
                    continue
                if declared == REGION_KIND:
                    regions.add(cid)
                    compound_parts.update(p.replace("ё", "е").lower() for p in cat.extra.get("compound_parts", ()))
                    continue
                if cid not in kinds:
                    declared = declared if lex.name in builtin_names else None
                    kinds[cid] = declared if declared in KINDS else "custom"
                if cat.definition and cid not in definitions:
                    definitions[cid] = cat.definition
        self.idiom_categories = frozenset(idioms - set(kinds))
        self._idiom_lexicons = frozenset(lex.name for lex in lexicons
                                         if self.idiom_categories.intersection(lex.categories))
        #: the regional gate (``region`` option): categories whose matches mention the region, and the
        #: hyphenated compounds' parts that do («российско-⟦казахстанский⟧»), found per word form
        self.region_categories = frozenset(regions - set(kinds)) if self._options.get("region", True) else frozenset()
        self._region_lexicons = frozenset(lex.name for lex in lexicons
                                          if self.region_categories.intersection(lex.categories))
        parts = tuple(sorted(compound_parts)) if self.region_categories else ()
        self._compounds = FormMemo(functools.partial(_compound_mention, parts), screen=FormScreen(substrings=[f"-{p}" for p in parts])) \
            if parts else None
        # which entries need another cue of their frame in the sentence (read from the loaded
        # lexicons, not the compiled matcher: the flag is not part of the matcher)
        self._needs_context = {(lex.name, e.id) for lex in lexicons for e in lex.entries
                               if _needs_context(e, lex.name == "framing-domain" and id(lex) in shipped)}
        #: entries that give no context to others: names («ООН» beside «ЕС» is still only naming)
        #: and those marked ``support = false`` (units and counts: «тонна», «млн»)
        self._names = {(lex.name, e.id) for lex in lexicons for e in lex.entries
                       if _is_name_entry(e) or e.extra.get("support") is False}
        #: frames whose words count only beside one of their cue entries (``needs_cue`` in the lexicon)
        self.cue_frames = frozenset(cid for lex in lexicons for cid, cat in lex.categories.items()
                                    if cat.extra.get("needs_cue"))
        self._cues = {(lex.name, e.id) for lex in lexicons for e in lex.entries if e.extra.get("cue")}
        #: a person's name (``person = true``) counts only in the genitive right after another hit of its frame
        self._persons = {(lex.name, e.id) for lex in lexicons for e in lex.entries if e.extra.get("person")}
        self.lexicons = lexicons
        self.frame_kinds = kinds
        self.definitions = definitions
        self.lexicon_version = "+".join(lex.label for lex in lexicons)
        presence = dict(DEFAULT_PRESENCE)
        for kind in KINDS:
            spec = {**(self._options.get("presence") or {}), **(self._options.get(f"presence_{kind}") or {})}
            unknown = sorted(set(spec) - {f.name for f in attrs.fields(PresenceRule)})
            if unknown:
                raise ConfigError(f"framing: presence rule field(s) {unknown} unknown; known: "
                                  f"{[f.name for f in attrs.fields(PresenceRule)]}")
            if spec:
                presence[kind] = attrs.evolve(presence[kind], **spec)
        self.presence = presence
        self.dominance = DEFAULT_DOMINANCE
        self.segments = bool(self._options.get("segments", True))
        # compiled once per machine: later runs load it from the on-disk cache
        self._matcher = kzmedia.LexiconMatcher.cached(lexicons, overlap="longest")
        self._entry_info: dict[tuple[str, str], tuple[tuple[str, ...], int]] = {}

    def _entry_flags(self, lexicon: str, entry: kzmedia.LexiconEntry) -> tuple[tuple[str, ...], int]:
        """What an entry is to the analyzer, remembered per (lexicon, entry id): the frames it
        counts for, and flags — needs context, a name (gives no context), a cue entry, a person's
        name, a mention of the region."""
        key = (lexicon, entry.id)
        cats = tuple(cid for cid in entry.categories if cid in self.frame_kinds)
        flags = ((_WEAK if key in self._needs_context else 0) | (_NAMED if key in self._names else 0)
                 | (_CUE if key in self._cues else 0) | (_PERSON_NAME if key in self._persons else 0))
        if not cats and lexicon in self._region_lexicons and self.region_categories.intersection(entry.categories):
            flags |= _REGION
        return cats, flags

    @property
    def matcher(self) -> kzmedia.LexiconMatcher:
        if self._matcher is None:
            self._build()
        return self._matcher

    # -- analysis ---------------------------------------------------------------------------
    def hits(self, document: kzmedia.Document) -> dict[str, list[Evidence]]:
        """Frame id → evidence in text order, each with its stance. One span counts once per
        frame (the heaviest entry). Not evidence: a word inside a proper name or a quoted title,
        a hit strictly inside an idiom, a context-needing word without another cue of its frame
        in the sentence, a domain frame's hit away from a mention of the region (:meth:`gated_hits`
        gives those apart)."""
        return self.gated_hits(document)[0]

    def gated_hits(self, document: kzmedia.Document
                   ) -> tuple[dict[str, list[Evidence]], dict[str, list[Evidence]], Region | None]:
        """:meth:`hits`, the domain frames' hits the regional gate set apart (frame id → evidence
        more than ``region.sentence_window`` sentences from any mention of the region) and where
        the region is mentioned (None when no gate applies: the ``region`` option is off or no
        lexicon has a category of kind ``region``)."""
        matcher = self.matcher
        text = document.text
        tokens = document.tokens
        frame_kinds, idiom_categories = self.frame_kinds, self.idiom_categories
        function_spans = _function_spans(tokens)
        in_function = {t for a, b in function_spans for t in range(a, b)}
        # a lower-case hit can be inside a body's or a capitalised name only a few words around its head noun
        # … a statute's name only after a statute noun, a person's title only a few words from a name
        near_head, near_statute, near_person = _near_heads(tokens)
        stance_of = StanceIndex.of(document).tokens_stance
        sentence_of = document.sentence_index()
        matches = matcher.match(document)
        idiom_lexicons = self._idiom_lexicons
        idioms = sorted((m.start, m.end) for m in matches if m.lexicon in idiom_lexicons
                        and idiom_categories.intersection(m.entry.categories)) if idiom_lexicons else []
        # keyed by (start, -end, frame): sorting the keys is sorting the evidence in text order
        best: dict[tuple[int, int, str], Evidence] = {}
        weak: set[int] = set()  # id() of the evidence that needs context
        named: set[int] = set()  # id() of the evidence of name entries (gives no context)
        cues: set[int] = set()  # id() of the evidence of cue entries (``needs_cue`` frames)
        persons: set[int] = set()  # id() of the evidence of person names (kept only after a word of the frame)
        # every evidence made stays alive until the sets are read: an evidence replaced in `best`
        # and freed would hand its id() to a later one, marking it weak, named, a cue or a person by mistake
        made: list[Evidence] = []
        seen: dict[tuple[int, int], Stance | None] = {}  # one span matched by several lexicons
        region_lexicons = self._region_lexicons
        region: list[tuple[int, int, int]] = []  # (start, end, first token) of each mention of the region
        entry_info = self._entry_info
        for m in matches:
            entry = m.entry
            if entry.weight <= 0:
                continue
            ekey = (m.lexicon, entry.id)
            info = entry_info.get(ekey)
            if info is None:
                info = entry_info[ekey] = self._entry_flags(m.lexicon, entry)
            cats, flags = info
            if not cats:
                if flags & _REGION:
                    region.append((m.start, m.end, m.token_start))
                continue
            if idioms and _inside_idiom(idioms, m.start, m.end):
                continue
            if m.token_start in in_function and _inside_function_words(function_spans, m.token_start,
                                                                        m.token_end):
                continue
            if flags & _PERSON_NAME and "gent" not in (tokens.tag(m.token_start) or ""):
                continue  # a person's name as the subject or object: who acts, not how it is framed
            span = (m.token_start, m.token_end)
            stance = seen.get(span, False)
            if stance is False:
                stance = None
                if not ((text[m.start].isupper() and _is_name(tokens, m.token_start, m.token_end, entry, document))
                        or (entry.pattern[:1].islower()
                            and ((m.token_start in near_head  # only near a body's or a name's head noun
                                  and (_in_body_name(tokens, m.token_start)
                                       or _in_capitalised_name(tokens, m.token_start, m.token_end, document)))
                                 or (near_statute and _close(near_statute, m.token_start - BODY_WINDOW - 2,
                                                             m.token_start - 2)
                                     and _in_statute_name(tokens, m.token_start))
                                 or _is_title(tokens, m.token_end)))
                        or (near_person and _close(near_person, m.token_start - TITLE_WINDOW - 3,
                                                   m.token_end + TITLE_WINDOW)
                            and _in_title(tokens, m.token_start, m.token_end))):
                    stance = stance_of(m.token_start, m.token_end)
                    if stance.label == NAMED:
                        stance = None
                seen[span] = stance
            if stance is None:
                continue
            weight = float(entry.weight)
            evidence = None
            for cid in cats:
                key = (m.start, -m.end, cid)
                old = best.get(key)
                if old is None or weight > old.weight:
                    if evidence is None:
                        evidence = Evidence(m.start, m.end, text[m.start:m.end], entry.id, weight, m.lexicon,
                                            stance, sentence_of[m.token_start])
                        made.append(evidence)
                        if flags:
                            if flags & _WEAK:
                                weak.add(id(evidence))
                            if flags & _NAMED:
                                named.add(id(evidence))
                            if flags & _CUE:
                                cues.add(id(evidence))
                            if flags & _PERSON_NAME:
                                persons.add(id(evidence))
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
        if persons:
            out = _with_heads(out, persons, text)
        if self.cue_frames:
            out = _with_cues(out, self.cue_frames, cues)
        if weak:
            out = _with_context(out, weak, named)
        if not region_lexicons:
            return out, {}, None
        if self._compounds is not None:
            starts, ends = tokens.starts, tokens.ends
            region.extend((starts[t], ends[t], t) for t in self._compounds.positions(tokens))
        gate = Region.of(((a, b) for a, b, _t in region), (sentence_of[t] for _a, _b, t in region), document)
        out, off = _in_region(out, frame_kinds, gate.allowed)
        return out, off, gate

    def analyze(self, document: kzmedia.Document) -> FramingResult:
        if isinstance(document, str):
            document = kzmedia.Document.from_text(document)
        hits, off_region, region = self.gated_hits(document)
        words = max(document.words, 1)
        frames: list[FrameScore] = []
        dominant: dict[str, str | None] = {}
        order = {**{f: i for i, f in enumerate(DOMAIN_FRAMES)}, **{f: i for i, f in enumerate(GENERIC_FRAMES)}}
        asserted: dict[str, list[Evidence]] = {}
        rejected: dict[str, list[Evidence]] = {}
        for fid, evs in hits.items():
            asserted[fid] = [e for e in evs if e.stance.asserted]
            rejected[fid] = [e for e in evs if not e.stance.asserted]
        for kind in KINDS:
            ids = [f for f, k in self.frame_kinds.items() if k == kind]
            if not ids:
                continue
            weights = {f: sum(e.weight for e in asserted.get(f, ())) for f in ids}
            total = sum(weights.values())
            ranked = sorted((f for f in ids if weights[f] > 0),
                            key=lambda f: (-weights[f], -len(asserted[f]), order.get(f, 99), f))
            rank_of = {f: i + 1 for i, f in enumerate(ranked)}
            rule = self.presence[kind]
            scored = []
            for f in ids:
                w = weights[f]
                evs = asserted.get(f, ())
                n = len(evs)
                score = 1000.0 * w / words
                share = w / total if total else 0.0
                rank = rank_of.get(f)
                strong = sum(1 for e in evs if e.weight >= rule.strong_weight)
                entries = len({e.entry for e in evs})
                present = bool(rank) and rule(score, n, rank, share, strong, entries)
                rej = tuple(rejected.get(f, ()))
                scored.append(FrameScore(f, kind, score, n, w, share, rank, present, tuple(evs),
                                         rej, 1000.0 * sum(e.weight for e in rej) / words,
                                         tuple(off_region.get(f, ()))))
            scored.sort(key=lambda s: (s.rank or 10_000, order.get(s.id, 99), s.id))
            frames.extend(scored)
            if kind != "custom":
                dominant[kind] = self.dominance.pick([s for s in scored if s.rank])
        sentences, paragraphs = ([], [])
        if self.segments:
            sentences = _segment_scores(document, document.sentences, asserted)
            paragraphs = _segment_scores(document, document.paragraphs, asserted, _paragraph_of_sentence(document))
        lexicons = [{"name": lex.name, "version": lex.version} for lex in self.lexicons]
        return FramingResult(document, frames, lexicon_version=self.lexicon_version,
                             lexicons=lexicons, dominant=dominant, sentences=sentences,
                             paragraphs=paragraphs, region=region)

    def data_versions(self) -> dict[str, str]:
        """The versions of the data this analyzer read (the results store fingerprints them)."""
        return {"lexicon_version": self.lexicon_version, "stance_version": STANCE_VERSION,
                "tuning_version": TUNING_VERSION}

    # -- the generic result model -------------------------------------------------------------
    @staticmethod
    def result_model(result: Mapping):
        """Each frame's evidence — asserted and rejected — as findings labelled with the frame
        (``extra["stance"]`` says which: ``asserted``/``reported`` count, the others are rejected),
        and its score (per 1,000 words), hits, share and rejected score as scores grouped by frame
        (``kzmedia.results``)."""
        findings = []
        for f in result.get("frames") or ():
            rejected = (f.get("rejected") or {}).get("evidence") or ()
            for e in (*(f.get("evidence") or ()), *rejected):
                findings.append(kzmedia.Finding("framing", f["id"], e["start"], e["end"], e["text"], e.get("weight"),
                                                {"entry": e.get("entry"), "kind": f.get("kind"),
                                                 "stance": e.get("stance", "asserted")}))
        findings.sort(key=lambda x: (x.start, x.end, x.label))
        yield from findings
        for f in result.get("frames") or ():
            yield kzmedia.Score("framing", "score", f["score"], "per_1000_words", f["id"])
            yield kzmedia.Score("framing", "hits", f["hits"], "count", f["id"])
            yield kzmedia.Score("framing", "share", f["share"], "share", f["id"])
            if "rejected" in f:
                yield kzmedia.Score("framing", "rejected_score", f["rejected"]["score"], "per_1000_words", f["id"])

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
        rejected = [f"{f['id']} {f['rejected']['score']:.1f} ({f['rejected']['hits']})" for f in frames
                    if f.get("stance") == "rejected"]
        if rejected:
            lines.append("rejected: " + ", ".join(rejected))
        off = [f"{f['id']} ({f['off_region']['hits']})" for f in frames if (f.get("off_region") or {}).get("hits")]
        if off:
            lines.append("off-region, not counted: " + ", ".join(off))
        lines.append("(score = weighted asserted hits per 1,000 words; * = present; rejected = brought up to be "
                     "negated, contrasted away, distanced or only supposed"
                     + ("; off-region = a domain frame's words away from any mention of Kazakhstan or Central Asia"
                        if off else "") + ")")
        return lines


def _is_name_entry(entry: kzmedia.LexiconEntry) -> bool:
    """Is the entry a name (every word capitalised: «ООН», «Евросоюз», «Путин», «Telegram»)?"""
    words = entry.pattern.split()
    return bool(words) and all(w[:1].isupper() for w in words)


def _needs_context(entry: kzmedia.LexiconEntry, domain: bool = False) -> bool:
    """A single common word of low weight, a name (``names`` in tuning.toml) or an entry marked
    ``context = true`` counts only next to another cue of its frame: «вектор», «союз», «статья»
    alone mean many things, and naming a body («ООН», «ШОС») is not framing. In the shipped
    domain lexicon (``domain``), expressions up to ``domain_max_weight`` too: the domain frames are evaluative, their
    topical expressions («железная дорога», «вооружённые силы») alone give the topic, not the angle."""
    flag = entry.extra.get("context")
    if flag is not None:
        return bool(flag)
    if domain and entry.weight <= DOMAIN_CONTEXT_MAX_WEIGHT and "*" not in entry.pattern:
        return True
    if NAMES_NEED_CONTEXT and _is_name_entry(entry):
        return True
    words = entry.pattern.split()
    return (len(words) == 1 and "*" not in entry.pattern and not entry.case_sensitive
            and not words[0].isupper() and entry.weight <= CONTEXT_MAX_WEIGHT)


def _inside_idiom(idioms: list[tuple[int, int]], start: int, end: int) -> bool:
    """Is ``start..end`` strictly inside one of the (sorted, rarely overlapping) idiom spans?"""
    k = bisect.bisect_right(idioms, (start, 1 << 62)) - 1
    while k >= 0 and idioms[k][0] > start - 300:  # an idiom is a few words long
        a, b = idioms[k]
        if a <= start and end <= b and end - start < b - a:
            return True
        k -= 1
    return False


def _is_name(tokens, i: int, j: int, entry: kzmedia.LexiconEntry, document: kzmedia.Document) -> bool:
    """Did a lower-case entry match a proper name («партия Свобода», «компания Вектор»)?

    Yes when every word of the match is capitalised and either the match is inside its sentence
    (not its first word) or pymorphy3 reads a word as a name, surname, patronymic, place or
    organisation. All-capital words (a headline) are not taken for names.
    """
    if not entry.pattern[:1].islower():
        return False  # the entry itself is a name («Запад», «Telegram»)
    tagged = False
    for t in range(i, j):
        if not tokens.is_word(t):  # punctuation inside a phrase
            continue
        surface = tokens.surface(t)
        if not surface[:1].isupper() or surface.isupper():
            return False
        tag = tokens.tag(t) or ""
        tagged = tagged or any(g in tag for g in NAME_GRAMMEMES)
    if tagged:
        return True
    sentence = document.sentence_index()[i]
    if sentence < 0:
        return False
    first = document.sentences[sentence].token_start
    while first < i and not tokens.is_word(first):
        first += 1
    return first < i


def _is_title(tokens, j: int) -> bool:
    """Is the hit ending before token ``j`` a person's title, followed by the name («патриарх
    Кирилл», «политик Ерлан Сапаров»)? Naming a person by office is not framing.

    The hit's last word is an animate noun; the next word is capitalised (not all capitals) and
    pymorphy3 reads it as a first name or surname, or another capitalised word follows it
    (names pymorphy3 does not know: «Ерлан Сапаров»)."""
    if j >= len(tokens) or not tokens.is_word(j) or "anim" not in (tokens.tag(j - 1) or ""):
        return False
    surface = tokens.surface(j)
    if not surface[:1].isupper() or surface.isupper():
        return False
    tag = tokens.tag(j) or ""
    if "Name" in tag or "Surn" in tag:
        return True
    if "Geox" in tag or "Orgn" in tag or j + 1 >= len(tokens) or not tokens.is_word(j + 1):
        return False
    after = tokens.surface(j + 1)
    return after[:1].isupper() and not after.isupper()


def _person(tokens, t: int) -> bool:
    """Is token ``t`` a person's name: capitalised (not all capitals) and read by pymorphy3 as a
    first name, surname or patronymic, or followed by another capitalised word (names pymorphy3
    does not know: «Ерлан Сапаров»)? A place or an organisation is no person."""
    if t >= len(tokens) or not tokens.is_word(t):
        return False
    surface = tokens.surface(t)
    if not surface[:1].isupper() or surface.isupper():
        return False
    tag = tokens.tag(t) or ""
    if any(g in tag for g in PERSON_GRAMMEMES):
        return True
    if "Geox" in tag or "Orgn" in tag or "gent" in tag or t + 1 >= len(tokens) or not tokens.is_word(t + 1):
        return False
    after = tokens.surface(t + 1)
    return after[:1].isupper() and not after.isupper()


def _title_word(tokens, t: int) -> bool:
    """May token ``t`` stand inside a person's title after its head noun: an adjective, a genitive
    noun, a capitalised body or place («президента России», «представитель Минобороны РФ»), «по»,
    «и», a dative after «по» («советник по экономическим вопросам»)?"""
    if not tokens.is_word(t):
        return False
    if tokens.lemma(t) in ("по", "и"):
        return True
    pos = tokens.pos(t)
    if pos in ("ADJF", "PRTF", "NUMR"):
        return True
    if pos != "NOUN" and not tokens.surface(t).isupper():
        return tokens.surface(t)[:1].isupper() and not _person(tokens, t)
    tag = tokens.tag(t) or ""
    return "gent" in tag or "datv" in tag or "Fixd" in tag or tokens.surface(t).isupper()


def _in_title(tokens, i: int, j: int) -> bool:
    """Is the hit ``i..j`` part of a person's title — «пресс-секретарь ⟦президента⟧ России Дмитрий
    Песков», «официальный представитель ⟦Минобороны⟧ Игорь Конашенков», «Иван Петров, ⟦экономист⟧
    Центра стратегических исследований»? Naming a speaker by office is not framing.

    The title is an animate noun (the hit's own word or one before it) with its chain of
    :func:`_title_word` words (at most ``TITLE_WINDOW``); it is followed by a person's name, or
    it stands in apposition right after one («Name, title»)."""
    if not TITLE_WINDOW:
        return False
    # the head: the leftmost animate noun of the chain that reaches the hit
    head, t, words = None, j - 1, 0
    while t >= 0 and words <= TITLE_WINDOW:
        if tokens.pos(t) == "NOUN" and "anim" in (tokens.tag(t) or "") and not _person(tokens, t):
            head = t
        elif t < i and not _title_word(tokens, t):
            break
        words += 1
        t -= 1
    if head is None:
        return False
    # a name after the title: «… президента России Дмитрий Песков»
    t, words = j, 0
    while t < len(tokens) and words <= TITLE_WINDOW:
        if _person(tokens, t):
            return True
        if not _title_word(tokens, t):
            break
        words += 1
        t += 1
    # the title in apposition after a name: «Дмитрий Песков, пресс-секретарь президента»
    if head < 2 or tokens.surface(head - 1) not in (",", "—", "–"):
        return False
    return _name_before(tokens, head - 2)


def _name_before(tokens, t: int) -> bool:
    """Does a person's name end at token ``t``: a run of capitalised words with a first name,
    surname or patronymic in it (pymorphy3 takes some surnames for places or common nouns), or of
    two or more capitalised words none of which is a place or an organisation («Ерлан Сапаров»)?"""
    run, named, place = 0, False, False
    while t >= 0 and run < 4 and tokens.is_word(t):
        surface = tokens.surface(t)
        if not surface[:1].isupper() or surface.isupper():
            break
        tag = tokens.tag(t) or ""
        place = place or "Geox" in tag or "Orgn" in tag
        named = named or any(g in tag for g in PERSON_GRAMMEMES)
        run += 1
        t -= 1
    return named or (run >= 2 and not place)


def _words_back(tokens, i: int):
    """The word tokens before token ``i``, nearest first, across commas (any other punctuation ends
    the walk), at most ``BODY_WINDOW`` + 1 of them: the reach of a name's or a title's chain."""
    t, words = i - 1, 0
    while t >= 0 and words <= BODY_WINDOW:
        if not tokens.is_word(t):
            if tokens.surface(t) != ",":
                return
        else:
            yield t
            words += 1
        t -= 1


def _in_statute_name(tokens, i: int) -> bool:
    """Is token ``i`` inside a statute's name, in the «о / об» complement of a statute noun («закон о
    ⟦выборах⟧», «указ о частичной ⟦мобилизации⟧», «поправки о ⟦земле⟧ и недрах»)? The chain back to
    «о» holds adjectives, nouns in an oblique case, «и» and commas (at most ``BODY_WINDOW`` words)."""
    if not STATUTE_NOUNS:
        return False
    for t in _words_back(tokens, i):
        lemma = tokens.lemma(t)
        if lemma in ("о", "об"):
            return t >= 1 and tokens.pos(t - 1) == "NOUN" and tokens.lemma(t - 1) in STATUTE_NOUNS
        if not (lemma == "и" or tokens.pos(t) in ("ADJF", "PRTF", "NUMR")
                or (tokens.pos(t) == "NOUN" and "nomn" not in (tokens.tag(t) or ""))):
            return False
    return False


def _in_body_name(tokens, i: int) -> bool:
    """Is token ``i`` inside the name or title of a body, after its head noun — «комитет по
    физической культуре, ⟦спорту⟧», «программа переселения ⟦соотечественников⟧», «органы ⟦власти⟧»?

    Walks back over the genitive chain (adjectives, genitive nouns, dative nouns after «по»,
    «по», «и», «при», commas; at most ``BODY_WINDOW`` words) to a noun of ``BODY_NOUNS``.
    The hit's own word must be genitive or dative: «орган принял» is a body acting, not a name.
    """
    tag = tokens.tag(i) or ""
    if "gent" not in tag and "datv" not in tag:
        return False
    for t in _words_back(tokens, i):
        lemma = tokens.lemma(t)
        pos = tokens.pos(t)
        if pos == "NOUN" and lemma in BODY_NOUNS:
            return True
        tag = tokens.tag(t) or ""
        if not (lemma in ("по", "и", "при") or pos in ("ADJF", "PRTF", "NUMR")
                or (pos == "NOUN" and ("gent" in tag or "datv" in tag))):
            return False
    return False


def _function_spans(tokens) -> list[tuple[int, int]]:
    """Token spans of the document's function-word expressions («судя по», «в отношении», «по
    мере»), in text order: consecutive words with exactly the listed forms."""
    keys = FUNCTION_PHRASES.keys() & tokens.forms.keys()
    if not keys:
        return []
    out = []
    norms = tokens.norms
    n = len(norms)
    for p in tokens.positions(keys):
        for words, k in FUNCTION_PHRASES[norms[p]]:
            a = p - k
            if a >= 0 and a + len(words) <= n and tuple(norms[a:a + len(words)]) == words:
                out.append((a, a + len(words)))
    out.sort()
    return out


def _inside_function_words(spans: list[tuple[int, int]], i: int, j: int) -> bool:
    """Do tokens ``i..j`` lie inside one function-word expression?"""
    k = bisect.bisect_right(spans, (i, 1 << 62)) - 1
    while k >= 0 and spans[k][0] > i - 6:  # an expression is a few words long
        a, b = spans[k]
        if a <= i and j <= b:
            return True
        k -= 1
    return False


_HEAD, _STATUTE, _PERSON = 1, 2, 4
#: :meth:`FramingAnalyzer._entry_flags`
_WEAK, _NAMED, _CUE, _PERSON_NAME, _REGION = 1, 2, 4, 8, 16
_HEAD_MEMO: FormMemo | None = None


def _head_class(norm: str, info: tuple) -> int:
    """What a word form may head: a name or a body (``NAME_HEADS``), a statute's name
    (``STATUTE_NOUNS``), or a person's title (a first name, surname or patronymic)."""
    lemma = info[LEMMA]
    c = _HEAD if lemma in NAME_HEADS else 0
    if lemma in STATUTE_NOUNS:
        c |= _STATUTE
    if TITLE_WINDOW and any(g in (info[TAG] or "") for g in PERSON_GRAMMEMES):
        c |= _PERSON
    return c


def _near_heads(tokens) -> tuple[set[int], list[int], list[int]]:
    """Where names, statutes' names and persons' titles may lie — one pass over the document, the
    heads found per distinct form (``kzmedia.memo.FormMemo``), not per token: the set of tokens up to
    four before and a name's chain after a head noun of ``NAME_HEADS`` (the adjectives of
    «Международного валютного фонда»; a comma may follow each chain word), and the positions (in
    text order) of the statute nouns and of the capitalised persons' names (see :func:`_close`)."""
    global _HEAD_MEMO
    if _HEAD_MEMO is None:
        _HEAD_MEMO = FormMemo(_head_class)
    heads: set[int] = set()
    statutes: list[int] = []
    persons: list[int] = []
    norms, values = tokens.norms, _HEAD_MEMO
    for h in values.positions(tokens):
        c = values[norms[h]]
        if c & _HEAD:
            heads.update(range(h - 4, h + 2 * (BODY_WINDOW + 1) + 1))
        if c & _STATUTE:
            statutes.append(h)
        if c & _PERSON:
            persons.append(h)
    return heads, statutes, persons


def _close(positions: list[int], lo: int, hi: int) -> bool:
    """Is one of the sorted ``positions`` within ``lo..hi``?"""
    k = bisect.bisect_left(positions, lo)
    return k < len(positions) and positions[k] <= hi


def _in_capitalised_name(tokens, i: int, j: int, document: kzmedia.Document) -> bool:
    """Is the lower-case hit ``i..j`` part of a capitalised institution's, treaty's or programme's
    name — «Договора о нераспространении ⟦ядерного оружия⟧», «в Год ⟦экологии⟧», «Всемирного
    ⟦банка⟧», «Евразийского ⟦экономического⟧ союза»?

    Walks back from the hit over lower-case adjectives, nouns and «о / по / при / и / за / для» (at
    most ``BODY_WINDOW`` words, no punctuation) to a capitalised word. That word heads the name when
    it is a noun of ``NAME_HEADS``, or an adjective whose noun (the next noun, up to the hit's end and
    a little beyond) is one; a person's or a place's name (pymorphy3's Name, Surn, Patr, Geox) heads
    none. Inside a sentence a capital marks a name; at the sentence's start (or after any
    punctuation mark: a quotation, a colon, a comma) only a head noun itself does. After a head noun the hit must be in an
    oblique case («Министерство ⟦обороны⟧», not «Кремль санкции ввёл»).
    """
    if not tokens.surface(i)[:1].islower():
        return False
    sentence = document.sentence_index()[i]
    if sentence < 0:
        return False
    first = document.sentences[sentence].token_start
    t, words = i - 1, 0
    while t >= first and words <= BODY_WINDOW:
        if not tokens.is_word(t):
            return False
        surface = tokens.surface(t)
        if surface[:1].isupper():
            break
        if not (tokens.lemma(t) in NAME_CHAIN_WORDS or tokens.pos(t) in ("ADJF", "PRTF", "NUMR", "NOUN")):
            return False
        words += 1
        t -= 1
    else:
        return False
    if surface.isupper() or any(g in (tokens.tag(t) or "") for g in ("Name", "Surn", "Patr", "Geox")):
        return False
    pos = tokens.pos(t)
    initial = t == first or not tokens.is_word(t - 1)
    if pos == "NOUN":
        if tokens.lemma(t) not in NAME_HEADS:
            return False
        tag = tokens.tag(i) or ""
        return any(c in tag for c in ("gent", "datv", "loct", "ablt"))
    if initial or pos not in ("ADJF", "PRTF"):
        return False
    # an adjective: its noun (the first noun after it) must be a head («Всемирного банка»)
    for k in range(t + 1, min(len(tokens), j + 3)):
        if tokens.pos(k) == "NOUN":
            return tokens.lemma(k) in NAME_HEADS
        if not tokens.is_word(k):
            return False
    return False


def _with_heads(hits: dict[str, list[Evidence]], persons: set[int], text: str) -> dict[str, list[Evidence]]:
    """Keep a person's name only where it depends on another hit of its frame, right after it
    (only spaces between): «администрация ⟦Трампа⟧», «визит ⟦Лаврова⟧» — not «Лавров заявил»."""
    out = {}
    for fid, evs in hits.items():
        ends = {e.end for e in evs if id(e) not in persons}
        kept = [e for e in evs if id(e) not in persons
                or any(text[k:e.start].isspace() for k in ends if e.start - 4 <= k < e.start)]
        if kept:
            out[fid] = kept
    return out


def _with_cues(hits: dict[str, list[Evidence]], gated: frozenset[str], cues: set[int]) -> dict[str, list[Evidence]]:
    """In the frames marked ``needs_cue``, drop the evidence that is not a cue entry and has no cue
    entry of its frame in its sentence: military vocabulary without a word of danger is no
    `security_threat`, deliveries without a word of supply or shortage no `Capacity_and_resources`."""
    out = {}
    for fid, evs in hits.items():
        if fid not in gated:
            out[fid] = evs
            continue
        cued = {e.sentence + d for e in evs if id(e) in cues and e.sentence >= 0
                for d in range(-CUE_WINDOW, CUE_WINDOW + 1)}
        kept = [e for e in evs if id(e) in cues or e.sentence in cued]
        if kept:
            out[fid] = kept
    return out


def _in_region(hits: dict[str, list[Evidence]], kinds: Mapping[str, str],
               allowed: frozenset[int]) -> tuple[dict[str, list[Evidence]], dict[str, list[Evidence]]]:
    """Split the domain frames' evidence by the regional gate: what stands in an ``allowed``
    sentence (one that mentions the region, or within the window of one) stays evidence; the rest
    is returned apart. The domain frames are about Kazakhstan's position: their words in a sentence
    about Syria's oil fields or Europe's railways frame another country."""
    out: dict[str, list[Evidence]] = {}
    off: dict[str, list[Evidence]] = {}
    for fid, evs in hits.items():
        if kinds.get(fid) != "domain":
            out[fid] = evs
            continue
        kept = [e for e in evs if e.sentence in allowed]
        if kept:
            out[fid] = kept
        if len(kept) < len(evs):
            off[fid] = [e for e in evs if e.sentence not in allowed]
    return out, off


def _compound_mention(parts: tuple[str, ...], norm: str, info: tuple) -> bool:
    """Does a hyphenated word form mention the region by a part after its hyphen
    («российско-казахстанский», «китайско-киргизская»)? ``parts`` are the region's stems."""
    return any(w.startswith(parts) for w in norm.split("-")[1:])


def _with_context(hits: dict[str, list[Evidence]], weak: set[int],
                  named: set[int] = frozenset()) -> dict[str, list[Evidence]]:
    """Drop the context-needing evidence that has no other cue of its frame in its sentence
    (another entry that is not a name: names give no context)."""
    out = {}
    for fid, evs in hits.items():
        if not any(id(e) in weak for e in evs):
            out[fid] = evs
            continue
        entries: dict[int, set[str]] = {}
        for e in evs:
            if id(e) not in named:
                entries.setdefault(e.sentence, set()).add(e.entry)
        kept = [e for e in evs if id(e) not in weak
                or (e.sentence >= 0 and len(entries.get(e.sentence, set()) - {e.entry}) > 0)]
        if kept:
            out[fid] = kept
    return out


def _segment_scores(document: kzmedia.Document, segments, hits: Mapping[str, list[Evidence]],
                    of_sentence: Sequence[int] | None = None) -> list[dict]:
    """Per sentence / paragraph: frame scores (weighted hits per 1,000 words of the segment).

    Only segments with at least one hit are listed; ``index`` is the segment's position in
    ``document.sentences`` / ``document.paragraphs``; ``of_sentence`` maps a sentence to its paragraph (None: the segments are sentences).
    """
    if not segments:
        return []
    acc: dict[int, dict[str, float]] = {}
    for fid, evs in hits.items():
        for e in evs:
            k = e.sentence
            if k < 0:
                continue
            if of_sentence is not None:
                k = of_sentence[k]
            d = acc.get(k)
            if d is None:
                d = acc[k] = {}
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


def _paragraph_of_sentence(document: kzmedia.Document) -> list[int]:
    """For each sentence, the index of the paragraph holding it (sentences never cross one)."""
    starts = [p.start for p in document.paragraphs]
    return [bisect.bisect_right(starts, s.start) - 1 for s in document.sentences]
