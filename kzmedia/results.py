"""The generic result model every part of the core reads: findings, scores and relations.

An analyzer returns whatever JSON it likes; the store, the tables, ``kzmedia export``, the
comparison and the report read only what :func:`normalise` makes of it:

* :class:`Finding` — a labelled span of the text (``text[start:end]`` is the evidence);
* :class:`Score` — a document-level number (name, value, unit, optional group and evidence);
* :class:`Relation` — a labelled link between two things (spans, named entities), with evidence.

Without help, :func:`normalise` reads a result by generic rules (``docs/output.md``): a
``findings`` list of spans, explicit ``scores`` and ``relations`` lists, every numeric top-level
value as a score (``"count": 3``) and every top-level mapping of numbers as grouped scores
(``"by_category": {"measures": 1}``). So the README's ten-line plugin is first-class unchanged.
An analyzer whose JSON nests its evidence elsewhere defines ``result_model(result)``, returning
these objects from its own JSON; the core calls it whenever the analyzer is installed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

__all__ = ["Finding", "Relation", "ResultModel", "Score", "Span", "normalise", "result_views", "unit_of",
           "RESERVED_KEYS"]

#: keys the generic rules never turn into scores (they describe the result, they do not measure)
RESERVED_KEYS = frozenset({"analyzer_version", "findings", "scores", "relations"})


def _check_span(instance, attribute, value):
    if not (0 <= instance.start < instance.end):
        raise ValueError(f"span must satisfy 0 <= start < end, got {instance.start}..{instance.end}")
    if len(instance.text) != instance.end - instance.start:
        raise ValueError(
            f"span text {instance.text!r} has length {len(instance.text)}, "
            f"expected {instance.end - instance.start}"
        )


@attrs.frozen
class Span:
    """Evidence for a score or a relation: ``document.text[start:end] == text``."""

    start: int
    end: int
    text: str = attrs.field(validator=_check_span)

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@attrs.frozen
class Finding:
    """One labelled span: ``document.text[start:end] == text``.

    ``label`` is what was found (a frame id, an actor id, a technique); ``extra`` holds small,
    JSON-serialisable analyzer-specific fields (device, trigger, lexicon entry, …).
    """

    analyzer: str
    label: str
    start: int
    end: int
    text: str = attrs.field(validator=_check_span)
    score: float | None = None
    extra: dict = attrs.field(factory=dict, eq=False)

    def to_dict(self) -> dict:
        d = {"analyzer": self.analyzer, "label": self.label, "start": self.start,
             "end": self.end, "text": self.text, "score": self.score}
        if self.extra:
            d["extra"] = dict(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: Mapping) -> "Finding":
        return cls(analyzer=d["analyzer"], label=d["label"], start=d["start"], end=d["end"],
                   text=d["text"], score=d.get("score"), extra=dict(d.get("extra") or {}))


def _spans(value) -> tuple[Span, ...]:
    return tuple(s if isinstance(s, Span) else Span(int(s["start"]), int(s["end"]), str(s["text"]))
                 for s in value or ())


@attrs.frozen
class Score:
    """A document-level number: ``value`` in ``unit``, optionally for one ``group`` (a frame, a
    category) and backed by ``evidence`` spans."""

    analyzer: str
    name: str
    value: float
    unit: str = attrs.field(default=None)
    group: str | None = None
    evidence: tuple[Span, ...] = attrs.field(default=(), converter=_spans, eq=False)

    def __attrs_post_init__(self):
        if self.unit is None:
            object.__setattr__(self, "unit", unit_of(self.name, self.value))

    @property
    def key(self) -> str:
        """``name`` or ``name:group`` — the column of the wide documents table (after the analyzer)."""
        return self.name if self.group is None else f"{self.name}:{self.group}"

    def to_dict(self) -> dict:
        d = {"analyzer": self.analyzer, "name": self.name, "value": self.value, "unit": self.unit,
             "group": self.group}
        if self.evidence:
            d["evidence"] = [s.to_dict() for s in self.evidence]
        return d


@attrs.frozen
class Relation:
    """``source`` —``label``→ ``target`` (e.g. one actor acting on another), with evidence."""

    analyzer: str
    source: str
    target: str
    label: str
    score: float | None = None
    evidence: tuple[Span, ...] = attrs.field(default=(), converter=_spans, eq=False)
    extra: dict = attrs.field(factory=dict, eq=False)

    def to_dict(self) -> dict:
        d = {"analyzer": self.analyzer, "source": self.source, "target": self.target,
             "label": self.label, "score": self.score}
        if self.evidence:
            d["evidence"] = [s.to_dict() for s in self.evidence]
        if self.extra:
            d["extra"] = dict(self.extra)
        return d


@attrs.frozen
class ResultModel:
    """What the core knows of one analyzer's result on one document."""

    analyzer: str
    findings: tuple[Finding, ...] = ()
    scores: tuple[Score, ...] = ()
    relations: tuple[Relation, ...] = ()

    def to_dict(self) -> dict:
        return {"analyzer": self.analyzer, "findings": [f.to_dict() for f in self.findings],
                "scores": [s.to_dict() for s in self.scores],
                "relations": [r.to_dict() for r in self.relations]}


def unit_of(name: str, value: Any) -> str:
    """The one unit rule: ``…per_1000_words`` → ``per_1000_words``; ``share``/``…_share`` →
    ``share``; an integer → ``count``; anything else → ``value``. An explicit unit wins."""
    if name.endswith("per_1000_words"):
        return "per_1000_words"
    if name == "share" or name.endswith("_share"):
        return "share"
    if isinstance(value, int) and not isinstance(value, bool):
        return "count"
    return "value"


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _finding(analyzer: str, f: Mapping, text: str | None) -> Finding | None:
    try:
        start, end = int(f["start"]), int(f["end"])
    except (KeyError, TypeError, ValueError):
        return None
    span = f.get("text")
    if not isinstance(span, str) and text is not None:
        span = text[start:end]
    if not isinstance(span, str):
        return None
    score = f.get("score")
    extra = {k: v for k, v in f.items() if k not in ("label", "start", "end", "text", "score", "analyzer")}
    try:
        return Finding(analyzer, str(f.get("label") or analyzer), start, end, span,
                       score if _number(score) else None, extra)
    except ValueError:
        return None  # an invalid span: the pipeline's validation reports it where it arises


def _generic(analyzer: str, body: Mapping, text: str | None) -> ResultModel:
    findings = []
    for f in body.get("findings") or ():
        if isinstance(f, Finding):
            findings.append(f)
        elif isinstance(f, Mapping):
            found = _finding(analyzer, f, text)
            if found is not None:
                findings.append(found)
    scores = []
    for s in body.get("scores") or ():
        if isinstance(s, Score):
            scores.append(s)
        elif isinstance(s, Mapping) and _number(s.get("value")) and s.get("name"):
            scores.append(Score(analyzer, str(s["name"]), s["value"], s.get("unit"),
                                None if s.get("group") is None else str(s["group"]), s.get("evidence") or ()))
    relations = []
    for r in body.get("relations") or ():
        if isinstance(r, Relation):
            relations.append(r)
        elif isinstance(r, Mapping) and r.get("source") is not None and r.get("target") is not None:
            relations.append(Relation(analyzer, str(r["source"]), str(r["target"]), str(r.get("label") or "related"),
                                      r.get("score") if _number(r.get("score")) else None, r.get("evidence") or (),
                                      {k: v for k, v in r.items()
                                       if k not in ("source", "target", "label", "score", "evidence")}))
    for key, value in body.items():
        if key in RESERVED_KEYS:
            continue
        if _number(value):
            scores.append(Score(analyzer, key, value))
        elif isinstance(value, Mapping) and value and all(_number(v) for v in value.values()):
            scores.extend(Score(analyzer, key, v, group=str(g)) for g, v in value.items())
    return ResultModel(analyzer, tuple(findings), tuple(scores), tuple(relations))


def _from_items(analyzer: str, items: Iterable) -> ResultModel:
    findings, scores, relations = [], [], []
    for item in items or ():
        if isinstance(item, Finding):
            findings.append(item)
        elif isinstance(item, Score):
            scores.append(item)
        elif isinstance(item, Relation):
            relations.append(item)
        else:
            raise TypeError(f"analyzer {analyzer!r}: result_model() yielded {type(item).__name__}, "
                            f"not a Finding, Score or Relation")
    return ResultModel(analyzer, tuple(findings), tuple(scores), tuple(relations))


#: ``view(result_dict)`` → iterable of Finding/Score/Relation (an analyzer's ``result_model``)
View = Callable[[Mapping], Iterable]


def normalise(analyzer: str, result: Any, *, view: View | None = None, text: str | None = None) -> ResultModel:
    """The one normaliser: any analyzer's result (a dict, an object with ``to_dict()``, or a
    :class:`ResultModel`) as findings, scores and relations.

    ``view`` is the analyzer's ``result_model`` when it has one (see :func:`result_views`); it is
    given the JSON form of the result and replaces the generic rules. ``text`` (the document's)
    fills in a finding's ``text`` when the result left it out.
    """
    if isinstance(result, ResultModel):
        return result
    body = result.to_dict() if hasattr(result, "to_dict") and not isinstance(result, Mapping) else result
    if not isinstance(body, Mapping):
        return ResultModel(analyzer)
    if view is not None:
        return _from_items(analyzer, view(body))
    model = _generic(analyzer, body, text)
    own = getattr(result, "findings", None)
    if body is not result and callable(own):  # a rich result object that yields its own findings
        model = attrs.evolve(model, findings=tuple(own()))
    return model


def result_views(analyzers: Mapping[str, object] | None = None, pm=None) -> dict[str, View]:
    """``{analyzer name: its result_model}`` for the analyzers that define one.

    ``analyzers`` (name → analyzer object, e.g. ``Pipeline.analyzers``) or else every analyzer
    registered with ``pm`` (default: the process's plugin manager).
    """
    if analyzers is None:
        from .plugins import collect_analyzers, default_plugin_manager

        analyzers = {n: r.value for n, r in collect_analyzers(pm or default_plugin_manager()).items()}
    return {n: a.result_model for n, a in analyzers.items() if callable(getattr(a, "result_model", None))}


def __getattr__(name: str):
    if name == "AnalyzerProtocol":  # its old home: the protocol lives in kzmedia.protocol
        from .protocol import Analyzer

        return Analyzer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
