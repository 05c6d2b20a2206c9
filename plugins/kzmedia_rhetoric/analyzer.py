"""The rhetoric analyzer: persuasion devices and techniques (SemEval-2023 Task 3 taxonomy) as spans.

Two layers:

* **devices** — observable constructions (a rhetorical question, scare quotes, «не X, а Y», an
  exclamation, vague attribution …), found by shape (:mod:`.patterns`) or by set phrases
  (``data/*.toml``), reported in ``devices[]``; they are not technique counts;
* **techniques** — an interpretation: a device or trigger word *plus* the context conditions of
  the technique's rule (docs/rhetoric.md): a label needs a target actor nearby to be
  Name_Calling, a discrediting word needs one to be Questioning_the_Reputation, a short
  exclamation needs the form of a call to be a slogan …

Before a technique is reported, boilerplate (legal disclaimers, credits, page code) is left out,
names are kept from matching common words, quoted and reported speech is marked (``quoted``,
``speaker``, from :mod:`kzmedia.stance`), and each candidate's ``confidence`` is the calibrated
probability that an annotator agrees (:mod:`.calibration`, ``data/calibration.toml``). One span
carries one technique; the others that fired on it are its ``alternatives``.
"""

from __future__ import annotations

import re

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from kzmedia import Document, Finding, Lexicon, LexiconError, LexiconMatcher, Produces, Score
from kzmedia.config import ConfigError, Option
from kzmedia.stance import DATA_VERSION as STANCE_VERSION
from kzmedia.stance import NAMED, NEGATED, REPORTED, StanceIndex

from . import doubt, patterns
from .calibration import Calibration, feature_keys
from .tuning import TUNING
from .taxonomy import CATEGORIES, CATEGORY_OF, DEVICES, TECHNIQUES

__version__ = "3.2.0"

DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_FILES = ("wording.toml", "attack.toml", "argument.toml")


CALIBRATION = Calibration.load()
#: the version of the hand-written tuning and of the fitted calibration, recorded in the output
DATA_VERSION = f"tuning@{TUNING['version']}+calibration@{CALIBRATION.version}"

#: techniques not reported by default, with the measured reason (data/tuning.toml [disabled])
DISABLED_REASONS: dict[str, str] = dict(TUNING["disabled"])
DEFAULT_DISABLED: tuple[str, ...] = tuple(DISABLED_REASONS)
DEFAULT_ACTIVE = frozenset(t for t in TECHNIQUES if t not in DISABLED_REASONS)
#: techniques on by default for some trigger classes only (data/tuning.toml [default_classes])
DEFAULT_CLASSES: dict[str, frozenset] = {t: frozenset(v) for t, v in TUNING.get("default_classes", {}).items()}

#: technique assigned to the shape-based devices whose reading depends on context
REFRAMING_TECHNIQUE = "Slogans"
THREAT_TECHNIQUE = "Appeal_to_Fear-Prejudice"

#: the default threshold never goes under this (the false-alarm bar on neutral news)
NEUTRAL_FLOOR = float(TUNING["confidence"]["neutral_floor"])
DEFAULT_MIN_CONFIDENCE = float(CALIBRATION.min_confidence if CALIBRATION.min_confidence is not None
                               else TUNING["confidence"]["default_min_confidence"])
WEAK_BELOW = float(TUNING["confidence"]["weak_below"])
#: the techniques whose candidates measure a text's register (data/tuning.toml [register])
_REGISTER_TECHNIQUES = frozenset(TUNING["register"]["techniques"])
_REGISTER_BUCKETS = [(float(f), str(name)) for f, name in TUNING["register"]["buckets"]]
MERGE_MIN_OVERLAP = float(TUNING["merge"]["min_overlap"])
REPEAT_MIN_SENTENCES = int(TUNING["repetition"]["min_sentences"])
_REPEATED_DEVICES = frozenset(TUNING["repetition"]["devices"])
_NAME_TAGS = tuple(TUNING["names"]["tags"])
#: (literal keys, pattern on the lower-cased text, the same pattern case-insensitive for a text whose
#: lower-casing changes its length)
_BOILERPLATE = [(tuple(r["keys"]), re.compile(r["pattern"], re.MULTILINE),
                 re.compile(r["pattern"], re.IGNORECASE | re.MULTILINE), bool(r.get("sentence_start")))
                for r in TUNING["boilerplate"]["rule"]]
CONSTRUCTION_DEVICES = frozenset(TUNING["devices"]["constructions"])
#: the techniques whose rule needs a target actor near the trigger
_NEEDS_TARGET = frozenset({"Name_Calling-Labeling", "Questioning_the_Reputation"})

_OPTION_KEYS = {"min_confidence", "disabled_techniques", "enabled_techniques", "patterns",
                "lexicons", "detectors"}
_DETECTORS = ("rhetorical_question", "scare_quotes", "contrastive_reframing",
              "threat_conditional", "exclamation", "repetition")


def register_of(candidates: Sequence[tuple], words: int) -> str:
    """The register bucket of a text: density per 1,000 words of its non-weak candidates for a fixed
    set of techniques (whatever the user's options, so the feature means one thing)."""
    if not words:
        return _REGISTER_BUCKETS[0][1]
    spans = {(c[0], c[1]) for c in candidates
             if c[2] in _REGISTER_TECHNIQUES and c[5] >= WEAK_BELOW and c[3] != "repetition"}
    density = 1000.0 * len(spans) / words
    name = _REGISTER_BUCKETS[0][1]
    for floor, bucket in _REGISTER_BUCKETS:
        if density >= floor:
            name = bucket
    return name


def charged_spans(document: Document, candidates: Sequence[tuple]) -> set[tuple[int, int]]:
    """The spans of candidates that share their sentence with another charged cue (a non-weak
    candidate of the register techniques on a span they do not overlap): loaded wording clusters,
    so a word in a charged sentence is more often meant to persuade — the ``charged`` condition.
    The cues are those of a fixed set of techniques, so the condition does not depend on options."""
    starts = [s.start for s in document.sentences]
    if not starts:
        return set()
    cues: dict[int, set[tuple[int, int]]] = {}
    for c in candidates:
        if c[2] in _REGISTER_TECHNIQUES and c[5] >= WEAK_BELOW and c[3] != "repetition":
            cues.setdefault(bisect_right(starts, c[0]) - 1, set()).add((c[0], c[1]))
    out = set()
    for c in candidates:
        a, b = c[0], c[1]
        spans = cues.get(bisect_right(starts, a) - 1)
        if spans and any(y <= a or b <= x for x, y in spans):
            out.add((a, b))
    return out


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of boilerplate: the parenthesis around a disclaimer, or else its sentence."""
    out = []
    low = text.lower()
    same = len(low) == len(text)
    for keys, rx, rx_any_case, at_start in _BOILERPLATE:
        if not any(k in low for k in keys):
            continue  # the literal a match needs is absent: the regular expression is not run
        # a case-sensitive pattern over the lower-cased text is scanned for its literal prefix in C
        for m in (rx.finditer(low) if same else rx_any_case.finditer(text)):
            a, b = m.start(), m.end()
            if at_start and not (a == 0 or text[a - 1] == "\n" or (text[a - 1] == " " and text[a - 2:a - 1] in ".!?")):
                continue
            while a < b and not text[a].isalnum() and text[a] != "©":
                a += 1  # the sentence boundary a pattern may start with
            sa = max([text.rfind("\n", 0, a) + 1] + [k + 2 for k in (text.rfind(s, 0, a) for s in (". ", "! ", "? "))
                                                     if k >= 0])
            ends = [k for k in (text.find("\n", b), text.find(". ", b), text.find("! ", b), text.find("? ", b))
                    if k >= 0]
            se = min(ends) + 1 if ends else len(text)
            lp, rp = text.rfind("(", sa, a), text.find(")", b, se)
            if lp >= 0 and rp >= 0 and ")" not in text[lp:a]:
                out.append((lp, rp + 1))
            else:
                out.append((sa, se))
    return sorted(out)


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
            flags = frozenset({"many"} if n >= REPEAT_MIN_SENTENCES + 2 else ())
            for a, b, _ in occ:
                out.append((a, b, "Repetition", "repetition", document.text[a:b], conf, "repeat", flags))
    return out


def load_builtin_lexicons() -> list[Lexicon]:
    return [Lexicon.load(DATA_DIR / name) for name in LEXICON_FILES]


class _Rule:
    """What a lexicon entry means here: techniques, device, confidence, context condition."""

    __slots__ = ("techniques", "device", "confidence", "when", "reputation", "cls", "capitalised")

    def __init__(self, techniques, device, confidence, when, reputation=True, cls="lexicon",
                 capitalised=False):
        self.techniques, self.device, self.confidence, self.when = techniques, device, confidence, when
        #: the trigger class the calibration knows this entry by: its lexicon category
        self.cls = cls
        #: the entry itself is written with a capital (a name-like phrase: «коллективный Запад»)
        self.capitalised = capitalised
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
    cls = cat_id if cat is not None and cat_id in lexicon.categories and lexicon.name.startswith("rhetoric-") \
        else "user"
    return _Rule((technique, *also), device, confidence, when, bool(spec.get("reputation", True)), cls,
                 any(ch.isupper() for ch in entry.pattern))


class RhetoricResult:
    """The rich result: findings and devices as dicts (JSON-ready) plus a profile; ``findings()``
    yields :class:`kzmedia.Finding` objects labelled with the technique."""

    __slots__ = ("document", "version", "lexicon_version", "items", "devices")

    def __init__(self, document: Document, version: str, lexicon_version: str, items: list[dict],
                 devices: list[dict] | None = None):
        self.document, self.version, self.lexicon_version, self.items = (
            document, version, lexicon_version, items)
        self.devices = devices or []

    def profile(self) -> dict:
        """Counts per technique, category and device; one finding is one span."""
        by_technique: dict[str, int] = {}
        by_category: dict[str, int] = {}
        by_device: dict[str, int] = {}
        for f in self.items:
            by_technique[f["technique"]] = by_technique.get(f["technique"], 0) + 1
            by_category[f["category"]] = by_category.get(f["category"], 0) + 1
        for d in self.devices:
            by_device[d["device"]] = by_device.get(d["device"], 0) + 1
        words = self.document.words
        return {
            "by_technique": dict(sorted(by_technique.items())),
            "by_category": dict(sorted(by_category.items())),
            "by_device": dict(sorted(by_device.items())),
            "per_1000_words": round(1000.0 * len(self.items) / words, 2) if words else 0.0,
        }

    def to_dict(self) -> dict:
        return {"analyzer_version": self.version, "lexicon_version": self.lexicon_version,
                "data_version": DATA_VERSION, "stance_version": STANCE_VERSION,
                "findings": [dict(f) for f in self.items], "devices": [dict(d) for d in self.devices],
                "profile": self.profile()}

    def findings(self) -> list[Finding]:
        doc = self.document
        return [doc.finding("rhetoric", f["technique"], f["start"], f["end"], score=f["confidence"],
                            category=f["category"], device=f["device"], trigger=f["trigger"])
                for f in self.items]

    def __len__(self) -> int:
        return len(self.items)


@attrs.define(slots=True)
class Candidate:
    """One technique reading of a span before the threshold, with the features calibration uses."""

    start: int
    end: int
    technique: str
    device: str
    trigger: str
    base: float
    cls: str
    flags: frozenset
    register: str = "low"
    quoted: bool = False
    speaker: str | None = None
    confidence: float = 0.0

    def keys(self) -> tuple[str, ...]:
        return feature_keys(self.technique, self.register, self.device, self.cls, self.flags)


def select(cands: Sequence[Candidate], active, threshold: float, text: str,
           only: Mapping[str, frozenset] | None = None) -> list[dict]:
    """One finding per span: the most probable technique over ``threshold``, the others that fired
    on (half or more of) the same span as its ``alternatives``. ``only`` restricts a technique to
    some trigger classes (the default of ``[default_classes]``)."""
    only = only or {}
    pool = sorted((c for c in cands if c.technique in active
                   and (c.technique not in only or c.cls in only[c.technique])),
                  key=lambda c: (-c.confidence, c.start, c.end - c.start))
    items = []
    taken: list[tuple[int, int, dict, dict]] = []  # (start, end, finding, alternatives)
    for c in pool:
        home = None
        for a, b, f, alts in taken:
            ov = min(b, c.end) - max(a, c.start)
            if ov > 0 and ov >= MERGE_MIN_OVERLAP * min(b - a, c.end - c.start):
                home = (f, alts)
                break
        if home is not None:
            f, alts = home
            if c.technique != f["technique"] and c.technique not in alts:
                alts[c.technique] = round(c.confidence, 3)
            continue
        if c.confidence < threshold:
            continue
        f = {"technique": c.technique, "category": CATEGORY_OF[c.technique], "device": c.device,
             "start": c.start, "end": c.end, "text": text[c.start:c.end],
             "trigger": c.trigger, "confidence": round(c.confidence, 3), "alternatives": [],
             "quoted": c.quoted, "speaker": c.speaker}
        alts: dict[str, float] = {}
        taken.append((c.start, c.end, f, alts))
        items.append(f)
    for _, _, f, alts in taken:
        f["alternatives"] = [{"technique": t, "confidence": p} for t, p in alts.items()]
    items.sort(key=lambda f: (f["start"], f["end"]))
    return items


class RhetoricAnalyzer:
    """Persuasion devices and techniques as spans. Options (``Pipeline(config={"rhetoric": {...}})``):

    ``min_confidence`` (default: the calibrated one, data/calibration.toml), ``disabled_techniques``
    (ids), ``enabled_techniques`` (ids to switch on even if off by default), ``patterns`` (list of
    ``{"pattern", "technique", "device"?, "confidence"?, "when"?}``), ``lexicons`` (paths),
    ``detectors`` (mapping of detector name → false to switch a syntactic detector off).
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
    #: what it reads of a document and what it emits (kzmedia.protocol): findings labelled with
    #: the taxonomy's techniques (an extra lexicon cannot add one), the profile's counts
    requires = ("tokens", "sentences", "morphology")
    produces = Produces({"findings": TECHNIQUES,
                         "scores": ("by_technique", "by_category", "by_device", "per_1000_words")})

    def __init__(self, *, lexicons: Sequence[Lexicon | str | Path] = (), calibration: Calibration | None = None,
                 **options: Any):
        self._extra_lexicons: list[Lexicon] = [lx if isinstance(lx, Lexicon) else Lexicon.load(lx)
                                               for lx in lexicons]
        self._context_lexicons: list[Lexicon] = []  # from setup(context); replaced, not appended
        self._options: dict[str, Any] = {}
        self._matcher: LexiconMatcher | None = None
        self._rules: dict[tuple, _Rule] = {}
        self.calibration = CALIBRATION if calibration is None else calibration
        self.configure(**options)

    # -- configuration ----------------------------------------------------------------------
    def configure(self, **options: Any) -> None:
        unknown = set(options) - _OPTION_KEYS
        if unknown:
            raise ConfigError(f"rhetoric: unknown option(s) {sorted(unknown)}; known: {sorted(_OPTION_KEYS)}")
        self._options.update(options)
        opts = self._options
        default = (self.calibration.min_confidence if self.calibration.min_confidence is not None
                   else DEFAULT_MIN_CONFIDENCE)
        self.min_confidence = float(opts.get("min_confidence", default))
        for key in ("disabled_techniques", "enabled_techniques"):
            bad = [t for t in opts.get(key) or () if t not in CATEGORY_OF]
            if bad:
                raise ConfigError(f"rhetoric: {key} names unknown technique(s) {bad}; use SemEval-2023 ids "
                                  f"such as {TECHNIQUES[0]!r}")
        enabled = set(opts.get("enabled_techniques") or ())
        disabled = set(opts.get("disabled_techniques") or ())
        disabled |= {t for t in DEFAULT_DISABLED if t not in enabled}
        self.active = frozenset(t for t in TECHNIQUES if t not in disabled)
        #: technique -> the only trigger classes reported (lifted by naming it in enabled_techniques)
        self.only_classes = {t: c for t, c in DEFAULT_CLASSES.items() if t not in enabled}
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

    def _wanted(self, technique: str, cls: str) -> bool:
        """Whether candidates of this technique and trigger class can matter: reported (on, and of a
        class the options report), or counted by the register and charged features."""
        if technique in _REGISTER_TECHNIQUES:
            return True
        return technique in self.active and cls in self.only_classes.get(technique, (cls,))

    def _ensure_matcher(self) -> LexiconMatcher:
        if self._matcher is None:
            lexicons = self._lexicons()
            rules: dict[tuple, _Rule] = {}
            seen: set[tuple] = set()
            active_lexicons = []
            builtin = {lx.name for lx in load_builtin_lexicons()}
            user_techniques: set[str] = set()
            for lex in lexicons:
                kept = []
                for entry in lex.entries:
                    rule = _rule_for(entry, lex)  # validates every entry
                    if lex.name not in builtin:
                        user_techniques.update(rule.techniques[:1])
                    if lex.name == "rhetoric-user-patterns":
                        rule.cls = "user"
                    # an entry is its pattern, category and constraints: two equal entries in one
                    # lexicon would share one rule whatever each says, so a repeat is an error
                    key = (lex.name, entry)
                    if key in seen:
                        raise LexiconError(f"entry {entry.pattern!r} of category {entry.categories[0]!r} is listed "
                                           f"twice in lexicon {lex.name!r}; keep one", path=lex.source,
                                           line=entry.line)
                    seen.add(key)
                    # entries serving only techniques that are off are not matched (speed), except
                    # devices (reported whatever the techniques) and the techniques on by default
                    # (the register of a text, a calibration feature, must not depend on options)
                    if lex.name not in builtin or any(self._wanted(t, rule.cls if k == 0 else rule.cls + "+also")
                                                      for k, t in enumerate(rule.techniques)) \
                            or rule.device in _REPEATED_DEVICES or rule.device in CONSTRUCTION_DEVICES \
                            or (rule.device == "doubt_marker" and entry.pattern.startswith("так называем")):
                        rules[key] = rule
                        kept.append(entry)
                active_lexicons.append(attrs.evolve(lex, entries=tuple(kept)))
            self._rules = rules
            # a technique the user wrote an entry for is wanted, even if off by default (but not
            # if the user switched it off)
            self.active = self.active | (user_techniques - set(self._options.get("disabled_techniques") or ()))
            # compiled once per machine, then loaded from the on-disk cache (rules are keyed by
            # value, not object identity, so they survive the round trip)
            self._matcher = LexiconMatcher.cached(active_lexicons, overlap="all")
            self.lexicon_version = "+".join(f"{lx.name}@{lx.version}" for lx in lexicons)
        return self._matcher

    # -- analysis ---------------------------------------------------------------------------
    def raw_candidates(self, document: Document) -> list[tuple]:
        """Every candidate before boilerplate, stance and calibration:
        ``(start, end, technique | None, device, trigger, base confidence, trigger class, flags)``."""
        matcher = self._ensure_matcher()
        rules = self._rules
        ctx = patterns.SentenceContext(document)
        targets = patterns.Targets(ctx, TUNING["target"])
        out: list[tuple] = []
        text = document.text
        tokens = document.tokens
        infos = tokens.infos
        loaded_hits: list[tuple[str, int, int, int]] = []
        sentence_of = ctx.sentence_of
        for m in matcher.match(document):
            rule = rules[(m.lexicon, m.entry)]
            first = m.token_start
            # a name is never a common word: «Дик» (a first name) is not «дикий»
            if not rule.capitalised and text[m.start].isupper():
                tag = infos[first].tag or ""
                if any(t in tag for t in _NAME_TAGS):
                    continue
                k = sentence_of[first]
                if k >= 0 and ctx.sentences[k].token_start < first:
                    continue  # capitalised inside a sentence: part of a name («Великая Отечественная»)
            if rule.when and rule.when != "target" and not ctx.holds(rule.when, first):
                continue
            start, end = m.start, m.end
            if rule.when == "short_sentence":
                seg = ctx.sentences[ctx.sentence_of[first]]
                start, end = seg.start, seg.end
            trigger = text[m.start:m.end]
            conf = rule.confidence
            flags = set()
            if conf < WEAK_BELOW:
                flags.add("weak")
            j = tokens.index_at(m.end - 1) + 1 if m.end > m.start else first + 1
            has_target = targets.near(first, j)
            if has_target:
                flags.add("target")
            if rule.device in _REPEATED_DEVICES and rule.reputation and conf >= WEAK_BELOW:
                loaded_hits.append((tokens.lemma(first), m.start, m.end, first))
            fl = frozenset(flags)
            for k, technique in enumerate(rule.techniques):
                if technique in _NEEDS_TARGET and not has_target:
                    continue  # the rule's condition: a label or a charge needs someone it is aimed at
                if rule.when == "target" and not has_target:
                    continue
                out.append((start, end, technique, rule.device, trigger, conf if k == 0 else conf * 0.9,
                            rule.cls if k == 0 else rule.cls + "+also", fl))
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
            if "Consequential_Oversimplification" in self.active:
                out.extend(patterns.conditional_consequences(ctx))
        if det["exclamation"]:
            out.extend(patterns.exclamations(ctx, TUNING["slogans"]))
        # two entries of one class can match one word («омерзительный», «омерзительно»: one lemma);
        # it is one candidate, counted once by the calibration
        seen: set[tuple] = set()
        unique = []
        for c in out:
            key = (c[0], c[1], c[2], c[3], c[6])
            if key not in seen:
                seen.add(key)
                unique.append(c)
        return unique

    def candidates(self, document: Document) -> tuple[list[Candidate], list[dict]]:
        """Technique candidates with their features and calibrated confidence, and the devices. A
        candidate of a trigger class the options leave out (``[default_classes]``) is not built."""
        raw = self.raw_candidates(document)
        text = document.text
        boiler = boilerplate_spans(text)
        if boiler:
            raw = [c for c in raw if not any(a < c[1] and c[0] < b for a, b in boiler)]
        register = register_of(raw, document.words)
        charged = charged_spans(document, raw)
        stance = StanceIndex.of(document)
        cal = self.calibration
        cands: list[Candidate] = []
        devices: dict[tuple, dict] = {}
        active = self.active
        only = self.only_classes
        for start, end, technique, device, trigger, base, cls, flags in raw:
            is_device = device in CONSTRUCTION_DEVICES or (
                device == "doubt_marker" and trigger.lower().startswith("так называем"))
            if not is_device and (technique not in active or (technique in only and cls not in only[technique])):
                continue  # neither reported nor counted: no stance look-up (speed)
            st = stance.span(start, end)
            quoted = st.label == REPORTED or st.kind in ("quotation", "verb", "according_to")
            speaker = st.speaker
            if is_device:
                dev = "so_called" if device == "doubt_marker" else device
                key = (dev, start, end)
                if key not in devices:
                    devices[key] = {"device": dev, "start": start, "end": end, "text": text[start:end],
                                    "trigger": trigger, "quoted": quoted, "speaker": speaker}
            if technique is None or technique not in active:
                continue
            if end - start < 40 and (st.label == NEGATED or (st.label == NAMED and speaker is None)):
                continue  # a word inside a title, or denied («не является агрессором»), is not used
            quoted = quoted or (st.label == NAMED and speaker is not None)  # a quotation read as a title
            if technique == "Doubt" and cls in doubt.CLASSES:
                cls = doubt.doubt_class(document, start, end, cls, st)  # naming, hedging, a topic
            fl = flags | {"quoted"} if quoted else flags
            if (start, end) in charged:
                fl = fl | {"charged"}
            c = Candidate(start, end, technique, device, trigger, base, cls, frozenset(fl), register,
                          quoted, speaker)
            # the user's own entries keep the confidence they were given: no data calibrates them
            c.confidence = cal.probability(c.keys()) if cal.fitted and not cls.startswith("user") else base
            cands.append(c)
        return cands, sorted(devices.values(), key=lambda d: (d["start"], d["end"], d["device"]))

    def analyze(self, document: Document) -> RhetoricResult:
        cands, devices = self.candidates(document)
        items = select(cands, self.active, self.min_confidence, document.text, self.only_classes)
        return RhetoricResult(document, self.version, self.lexicon_version, items, devices)

    def data_versions(self) -> dict[str, str]:
        """The versions of the data this analyzer read (the results store fingerprints them)."""
        return {"lexicon_version": self.lexicon_version, "data_version": DATA_VERSION,
                "stance_version": STANCE_VERSION}

    # -- the generic result model -------------------------------------------------------------
    @staticmethod
    def result_model(result: Mapping):
        """Findings labelled with the technique (scored by confidence) and the profile's counts,
        for the store, tables, comparison and report (``kzmedia.results``)."""
        for f in result.get("findings") or ():
            yield Finding("rhetoric", f["technique"], f["start"], f["end"], f["text"], f.get("confidence"),
                          {"category": f.get("category"), "device": f.get("device"), "trigger": f.get("trigger"),
                           "quoted": f.get("quoted"), "speaker": f.get("speaker"),
                           "alternatives": ",".join(a["technique"] for a in f.get("alternatives") or ())})
        prof = result.get("profile") or {}
        for name in ("by_technique", "by_category", "by_device"):
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
        lines = [f"{sum(by_t.values())} findings, {prof.get('per_1000_words', 0)} per 1,000 words, "
                 f"{sum((prof.get('by_device') or {}).values())} devices"]
        if top:
            lines.append("top: " + ", ".join(f"{t} {n}" for t, n in top))
        return lines


__all__ = ["CATEGORIES", "DEFAULT_DISABLED", "DISABLED_REASONS", "RhetoricAnalyzer", "RhetoricResult",
           "TECHNIQUES", "load_builtin_lexicons"]
