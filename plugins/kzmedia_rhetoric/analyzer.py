"""The rhetoric analyzer: persuasion techniques (SemEval-2023 Task 3 taxonomy) as spans.

Two sources of candidates, merged per document:

* lexicons (``data/*.toml`` plus any the user or another plugin registers for ``"rhetoric"``),
  matched by the core :class:`kzmedia.LexiconMatcher` on lemmas; each category names its device,
  technique, base confidence and, where one word alone is not a technique, a context condition;
* syntactic detectors (:mod:`.patterns`): questions, quotes, "не X, а Y", "иначе …",
  exclamations; and repetition of charged words, counted over the lexicon hits.

Every finding keeps its span, the trigger that fired and a confidence; findings under
``min_confidence`` and techniques the user disabled are dropped. Techniques that do not beat the
trivial baseline on the SemEval Russian data are off by default (``DEFAULT_DISABLED``); a user
can switch them on with ``enabled_techniques``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from kzmedia import Document, Finding, Lexicon, LexiconError, LexiconMatcher, Score
from kzmedia.config import ConfigError, Option

from . import patterns
from .taxonomy import CATEGORIES, CATEGORY_OF, DEVICES, TECHNIQUES

__version__ = "1.0.0"

DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_FILES = ("wording.toml", "attack.toml", "argument.toml")

#: techniques not reported by default: on the SemEval-2023 Russian training articles they do
#: not beat predicting the technique on every paragraph (see docs/rhetoric.md)
DEFAULT_DISABLED: tuple[str, ...] = ("Straw_Man", "Red_Herring", "Whataboutism",
                                     "Obfuscation-Vagueness-Confusion")

#: technique assigned to the shape-based devices whose reading depends on context
REFRAMING_TECHNIQUE = "Slogans"
THREAT_TECHNIQUE = "Appeal_to_Fear-Prejudice"

#: loaded or labelling words in a sentence that names a target also question its reputation
_ATTACKING_DEVICES = frozenset({"loaded_term", "labeling_term"})
QTR_CONFIDENCE = 0.55

DEFAULT_MIN_CONFIDENCE = 0.5
_OPTION_KEYS = {"min_confidence", "disabled_techniques", "enabled_techniques", "patterns",
                "lexicons", "detectors"}
_DETECTORS = ("rhetorical_question", "scare_quotes", "contrastive_reframing",
              "threat_conditional", "exclamation", "repetition")


#: (density of confident cues per 1,000 words, confidence shift): the register of the whole text.
#: In an opinionated text, dense with loaded and attacking wording, a weak cue is far more often
#: meant persuasively than the same cue in a news report (on the SemEval articles the share of
#: paragraphs with Loaded_Language rises from 0.14 to 0.49 across quintiles of this density).
REGISTER_TIERS: tuple[tuple[float, float], ...] = ((80.0, 0.1), (50.0, 0.05), (25.0, 0.0), (0.0, -0.05))
_REGISTER_EXCLUDED = frozenset({"repetition"})


def register_shift(candidates: Sequence[tuple], words: int) -> float:
    """The confidence shift for every candidate of a document, from its density of strong cues."""
    if not words:
        return 0.0
    spans = {(c[0], c[1]) for c in candidates if c[5] >= DEFAULT_MIN_CONFIDENCE and c[3] not in _REGISTER_EXCLUDED}
    density = 1000.0 * len(spans) / words
    for floor, shift in REGISTER_TIERS:
        if density >= floor:
            return shift
    return 0.0


#: a loaded or labelling word hammered through a text: at least this many sentences carry it
REPEAT_MIN_SENTENCES = 4
#: the devices whose words count for repetition (labels recur by necessity: a name for the actor)
_REPEATED_DEVICES = frozenset({"loaded_term", "labeling_term"})


def _repeated_triggers(document: Document, hits: list[tuple[str, int, int, int]]) -> list[tuple]:
    """Repetition: the same charged word (by lemma) in several sentences of one text."""
    if len(hits) < REPEAT_MIN_SENTENCES:
        return []
    sentence_of = document.sentence_index()
    by_lemma: dict[str, list[tuple[int, int, int]]] = {}
    for lemma, a, b, t in hits:
        by_lemma.setdefault(lemma, []).append((a, b, sentence_of[t]))
    out = []
    for lemma, occ in by_lemma.items():
        n = len({k for _, _, k in occ})
        if n >= REPEAT_MIN_SENTENCES:
            conf = min(0.5 + 0.05 * (n - REPEAT_MIN_SENTENCES), 0.7)
            for a, b, _ in occ:
                out.append((a, b, "Repetition", "repetition", document.text[a:b], conf))
    return out


def load_builtin_lexicons() -> list[Lexicon]:
    return [Lexicon.load(DATA_DIR / name) for name in LEXICON_FILES]


class _Rule:
    """What a lexicon entry means here: techniques, device, confidence, context condition."""

    __slots__ = ("techniques", "device", "confidence", "when", "reputation")

    def __init__(self, techniques, device, confidence, when, reputation=True):
        self.techniques, self.device, self.confidence, self.when = techniques, device, confidence, when
        #: False for designations (террорист, боевик) that label without attacking a reputation
        self.reputation = reputation


def _rule_for(entry, lexicon: Lexicon) -> _Rule:
    cat_id = entry.categories[0]
    cat = lexicon.categories.get(cat_id)
    spec: dict[str, Any] = dict(cat.extra) if cat is not None else {}
    spec.update(entry.extra)
    technique = spec.get("technique")
    if technique is None:
        if cat_id in CATEGORY_OF:
            technique = cat_id
        else:
            raise LexiconError(f"entry {entry.pattern!r}: category {cat_id!r} is not a technique id and "
                               "names no 'technique'", path=lexicon.source, line=entry.line)
    if technique not in CATEGORY_OF:
        raise LexiconError(f"entry {entry.pattern!r}: unknown technique {technique!r}; use one of the 23 "
                           "SemEval-2023 ids", path=lexicon.source, line=entry.line)
    also = spec.get("also") or []
    if isinstance(also, str):
        also = [also]
    for t in also:
        if t not in CATEGORY_OF:
            raise LexiconError(f"entry {entry.pattern!r}: unknown technique {t!r} in 'also'",
                               path=lexicon.source, line=entry.line)
    device = spec.get("device") or (cat_id if cat_id in DEVICES else "lexicon")
    confidence = float(spec.get("confidence", entry.weight if entry.weight != 1.0 else 0.6))
    when = spec.get("when")
    if when not in (None, "consequence", "justification", "we", "future", "short_sentence", "target"):
        raise LexiconError(f"entry {entry.pattern!r}: unknown condition when={when!r}",
                           path=lexicon.source, line=entry.line)
    return _Rule((technique, *also), device, confidence, when, bool(spec.get("reputation", True)))


class RhetoricResult:
    """The rich result: findings as dicts (JSON-ready) plus a profile; ``findings()`` yields
    :class:`kzmedia.Finding` objects labelled with the technique."""

    __slots__ = ("document", "version", "lexicon_version", "items")

    def __init__(self, document: Document, version: str, lexicon_version: str, items: list[dict]):
        self.document, self.version, self.lexicon_version, self.items = (
            document, version, lexicon_version, items)

    def profile(self) -> dict:
        by_technique: dict[str, int] = {}
        by_category: dict[str, int] = {}
        for f in self.items:
            by_technique[f["technique"]] = by_technique.get(f["technique"], 0) + 1
            by_category[f["category"]] = by_category.get(f["category"], 0) + 1
        words = self.document.words
        return {
            "by_technique": dict(sorted(by_technique.items())),
            "by_category": dict(sorted(by_category.items())),
            "per_1000_words": round(1000.0 * len(self.items) / words, 2) if words else 0.0,
        }

    def to_dict(self) -> dict:
        return {"analyzer_version": self.version, "lexicon_version": self.lexicon_version,
                "findings": [dict(f) for f in self.items], "profile": self.profile()}

    def findings(self) -> list[Finding]:
        doc = self.document
        return [doc.finding("rhetoric", f["technique"], f["start"], f["end"], score=f["confidence"],
                            category=f["category"], device=f["device"], trigger=f["trigger"])
                for f in self.items]

    def __len__(self) -> int:
        return len(self.items)


class RhetoricAnalyzer:
    """Persuasion techniques as spans. Options (``Pipeline(config={"rhetoric": {...}})``):

    ``min_confidence`` (default 0.5), ``disabled_techniques`` (ids), ``enabled_techniques`` (ids
    to switch on even if off by default), ``patterns`` (list of ``{"pattern", "technique",
    "device"?, "confidence"?, "when"?}``), ``lexicons`` (paths), ``detectors`` (mapping of
    detector name → false to switch a syntactic detector off).
    """

    name = "rhetoric"
    version = __version__
    #: declared options: the core converts and checks them (a list given as a string is split on
    #: commas: ``--set rhetoric.disabled_techniques=Doubt,Slogans``)
    options = {
        "min_confidence": Option(float, DEFAULT_MIN_CONFIDENCE, "drop findings scored below this",
                                 minimum=0.0, maximum=1.0),
        "disabled_techniques": Option(list, [], "technique ids to switch off", choices=TECHNIQUES),
        "enabled_techniques": Option(list, [], "technique ids to switch on (even if off by default)",
                                     choices=TECHNIQUES),
        "patterns": Option(list, [], "extra patterns: {pattern, technique, device?, confidence?, when?}"),
        "lexicons": Option(list, [], "extra lexicon files"),
        "detectors": Option(dict, {}, "detector name -> false to switch a syntactic detector off"),
    }

    def __init__(self, *, lexicons: Sequence[Lexicon | str | Path] = (), **options: Any):
        self._extra_lexicons: list[Lexicon] = [lx if isinstance(lx, Lexicon) else Lexicon.load(lx)
                                               for lx in lexicons]
        self._context_lexicons: list[Lexicon] = []  # from setup(context); replaced, not appended
        self._options: dict[str, Any] = {}
        self._matcher: LexiconMatcher | None = None
        self._rules: dict[tuple, _Rule] = {}
        self.configure(**options)

    # -- configuration ----------------------------------------------------------------------
    def configure(self, **options: Any) -> None:
        unknown = set(options) - _OPTION_KEYS
        if unknown:
            raise ConfigError(f"rhetoric: unknown option(s) {sorted(unknown)}; known: {sorted(_OPTION_KEYS)}")
        self._options.update(options)
        opts = self._options
        self.min_confidence = float(opts.get("min_confidence", DEFAULT_MIN_CONFIDENCE))
        for key in ("disabled_techniques", "enabled_techniques"):
            bad = [t for t in opts.get(key) or () if t not in CATEGORY_OF]
            if bad:
                raise ConfigError(f"rhetoric: {key} names unknown technique(s) {bad}; use SemEval-2023 ids "
                                  f"such as {TECHNIQUES[0]!r}")
        enabled = set(opts.get("enabled_techniques") or ())
        disabled = set(opts.get("disabled_techniques") or ())
        disabled |= {t for t in DEFAULT_DISABLED if t not in enabled}
        self.active = frozenset(t for t in TECHNIQUES if t not in disabled)
        det = dict(opts.get("detectors") or {})
        bad = [d for d in det if d not in _DETECTORS]
        if bad:
            raise ConfigError(f"rhetoric: unknown detector(s) {bad}; known: {list(_DETECTORS)}")
        self.detectors = {d: bool(det.get(d, True)) for d in _DETECTORS}
        self._matcher = None  # rebuilt lazily

    def setup(self, context) -> None:
        """Called once by the pipeline: user/plugin lexicons and options for ``"rhetoric"``."""
        self._context_lexicons = list(context.lexicons(self.name))
        options = context.options(self.name)
        if options:
            self.configure(**options)
        self._ensure_matcher()

    def _lexicons(self) -> list[Lexicon]:
        lexicons = load_builtin_lexicons() + list(self._extra_lexicons) + list(self._context_lexicons)
        for path in self._options.get("lexicons") or ():
            lexicons.append(Lexicon.load(path))
        user_patterns = self._options.get("patterns") or ()
        if user_patterns:
            entries = []
            for spec in user_patterns:
                if not isinstance(spec, Mapping) or "pattern" not in spec or "technique" not in spec:
                    raise LexiconError("rhetoric: each of 'patterns' needs 'pattern' and 'technique'")
                e = dict(spec)
                e.setdefault("category", e["technique"])
                entries.append(e)
            lexicons.append(Lexicon.from_mapping(
                {"lexicon": {"name": "rhetoric-user-patterns", "version": "user"}, "entries": entries},
                source="<rhetoric patterns option>"))
        return lexicons

    def _ensure_matcher(self) -> LexiconMatcher:
        if self._matcher is None:
            lexicons = self._lexicons()
            rules: dict[tuple, _Rule] = {}
            active_lexicons = []
            for lex in lexicons:
                kept = []
                for entry in lex.entries:
                    rule = _rule_for(entry, lex)  # validates every entry, used or not
                    # entries serving only disabled techniques are not matched at all (speed)
                    if any(t in self.active for t in rule.techniques) or rule.device in _ATTACKING_DEVICES:
                        rules[(lex.name, entry.id, entry.line)] = rule
                        kept.append(entry)
                active_lexicons.append(attrs.evolve(lex, entries=tuple(kept)))
            self._rules = rules
            # compiled once per machine, then loaded from the on-disk cache (rules are keyed by
            # value, not object identity, so they survive the round trip)
            self._matcher = LexiconMatcher.cached(active_lexicons, overlap="all")
            self.lexicon_version = "+".join(f"{lx.name}@{lx.version}" for lx in lexicons)
        return self._matcher

    # -- analysis ---------------------------------------------------------------------------
    def candidates(self, document: Document) -> list[tuple]:
        """Every candidate before thresholds: ``(start, end, technique, device, trigger, confidence)``."""
        matcher = self._ensure_matcher()
        rules = self._rules
        ctx = patterns.SentenceContext(document)
        out: list[tuple] = []
        text = document.text
        loaded_hits: list[tuple[str, int, int, int]] = []
        for m in matcher.match(document):
            rule = rules[(m.lexicon, m.entry.id, m.entry.line)]
            if rule.when and not ctx.holds(rule.when, m.token_start):
                continue
            start, end = m.start, m.end
            if rule.when == "short_sentence":
                seg = ctx.sentences[ctx.sentence_of[m.token_start]]
                start, end = seg.start, seg.end
            trigger = text[m.start:m.end]
            conf = rule.confidence
            if rule.device in _REPEATED_DEVICES and rule.reputation and conf >= DEFAULT_MIN_CONFIDENCE:
                loaded_hits.append((document.tokens.lemma(m.token_start), m.start, m.end, m.token_start))
            for k, technique in enumerate(rule.techniques):
                out.append((start, end, technique, rule.device, trigger, conf if k == 0 else conf * 0.9))
            # pejorative wording aimed at a named target attacks its reputation
            if rule.device in _ATTACKING_DEVICES and rule.reputation and conf >= 0.5 \
                    and ctx.holds("target", m.token_start):
                out.append((start, end, "Questioning_the_Reputation", rule.device, trigger, QTR_CONFIDENCE))
        det = self.detectors
        if det["repetition"]:
            out.extend(_repeated_triggers(document, loaded_hits))
        if det["rhetorical_question"]:
            out.extend(patterns.rhetorical_questions(ctx))
        if det["scare_quotes"]:
            out.extend(patterns.scare_quotes(ctx))
        if det["contrastive_reframing"]:
            out.extend(patterns.contrastive_reframing(ctx, REFRAMING_TECHNIQUE))
        if det["threat_conditional"]:
            out.extend(patterns.threat_conditionals(ctx, THREAT_TECHNIQUE))
            out.extend(patterns.conditional_consequences(ctx))
        if det["exclamation"]:
            out.extend(patterns.exclamations(ctx))
        return out

    def analyze(self, document: Document) -> RhetoricResult:
        active, threshold = self.active, self.min_confidence
        cands = self.candidates(document)
        shift = register_shift(cands, document.words)
        best: dict[tuple[int, int, str], tuple] = {}
        for c in cands:
            if c[2] not in active:
                continue
            if shift:
                c = (*c[:5], min(max(c[5] + shift, 0.0), 0.99))
            if c[5] < threshold:
                continue
            key = (c[0], c[1], c[2])
            old = best.get(key)
            if old is None or c[5] > old[5]:
                best[key] = c
        items = []
        last_end: dict[str, int] = {}
        for start, end, technique, device, trigger, conf in sorted(best.values(), key=lambda c: (c[0], -c[1], -c[5])):
            # a span nested in an earlier finding of the same technique adds no evidence
            if last_end.get(technique, -1) >= end:
                continue
            last_end[technique] = max(last_end.get(technique, -1), end)
            items.append({"technique": technique, "category": CATEGORY_OF[technique], "device": device,
                          "start": start, "end": end, "text": document.text[start:end],
                          "trigger": trigger, "confidence": round(conf, 3)})
        return RhetoricResult(document, self.version, self.lexicon_version, items)

    def data_versions(self) -> dict[str, str]:
        """The versions of the data this analyzer read (the results store fingerprints them)."""
        return {"lexicon_version": self.lexicon_version}

    # -- the generic result model -------------------------------------------------------------
    @staticmethod
    def result_model(result: Mapping):
        """Findings labelled with the technique (scored by confidence) and the profile's counts,
        for the store, tables, comparison and report (``kzmedia.results``)."""
        for f in result.get("findings") or ():
            yield Finding("rhetoric", f["technique"], f["start"], f["end"], f["text"], f.get("confidence"),
                          {"category": f.get("category"), "device": f.get("device"), "trigger": f.get("trigger")})
        prof = result.get("profile") or {}
        for name in ("by_technique", "by_category"):
            for group, n in (prof.get(name) or {}).items():
                yield Score("rhetoric", name, n, "count", group)
        if "per_1000_words" in prof:
            yield Score("rhetoric", "per_1000_words", prof["per_1000_words"])

    # -- presentation -----------------------------------------------------------------------
    @staticmethod
    def summary(result: Mapping) -> list[str]:
        prof = result.get("profile") or {}
        by_t = prof.get("by_technique") or {}
        top = sorted(by_t.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        lines = [f"{sum(by_t.values())} findings, {prof.get('per_1000_words', 0)} per 1,000 words"]
        if top:
            lines.append("top: " + ", ".join(f"{t} {n}" for t, n in top))
        return lines


__all__ = ["CATEGORIES", "DEFAULT_DISABLED", "RhetoricAnalyzer", "RhetoricResult", "TECHNIQUES",
           "load_builtin_lexicons"]
