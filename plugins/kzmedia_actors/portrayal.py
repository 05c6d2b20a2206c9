"""Roles of actors (portrayal): rule features of what the text says each actor does, suffers and says, weighed by a small model.

The features (``ROLE_FEATURES``) are read from an actor's role components (events.role_components):

* its events, grouped as ``data/roles.toml [features]`` says — the source of hostile acts (attack,
  threaten, coerce, interfere), their target, the source and the target of help, the accused and
  the accuser; negated events are left out, possible ones count half (kzmedia.stance and the
  event qualifiers decide);
* the tone of its mentions and of its own names («киевский режим»), split by sign; the misfortunes
  presented as its own;
* speech: how often it is the one who speaks (a reporting word's subject, «по словам X») and how
  often an event is reported in its words — a news text mostly quotes its own side;
* its side: an agency or an office-holder stands with its state (``home``); an entity the
  gazetteer does not know, named right after a state («министр обороны России …»), with that
  state. ``own_side`` marks the side that speaks most in the document (the text's «мы»),
  ``side_tone`` is the mean tone of the side's mentions.

A multinomial logistic model (one linear score per role, ``data/roles.toml [model]``, fitted by
cross-validation by document, ``kzmedia evaluate roles``) turns them into probabilities; the label
is the most probable role, or ``neutral`` when the text says nothing of the actor at all.
"""

from __future__ import annotations

import math
import operator
import re
from itertools import compress
from importlib import resources

from kzmedia.compat import tomllib

ROLE_LABELS = ("antagonist", "protagonist", "innocent")  # _softmax_list spells them out in this order

#: features read from the events (their action classes are in data/roles.toml [features])
EVENT_FEATURES = ("src_hostile", "tgt_hostile", "src_help", "tgt_help", "accused", "accuser")
ROLE_FEATURES = ("tone_pro", "tone_ant", "label_pro", "label_ant", "experience") + EVENT_FEATURES + (
    "speaker", "speech", "own_side", "side_tone")
#: features that are counts or sums: squashed by a signed log1p (one more event says less each time)
_COUNTS = frozenset(ROLE_FEATURES) - {"own_side", "side_tone"}
_COUNT_NAMES = tuple(f for f in ROLE_FEATURES if f in _COUNTS)
#: the feature values in ROLE_FEATURES order, one C call
_FEATURE_VALUES = operator.itemgetter(*ROLE_FEATURES)
#: an unknown entity named this close after a state mention, with no sentence end between, is of
#: that state («президент Белоруссии Александр Лукашенко»)
APPOSITION_CHARS = 25
_SENTENCE_END = re.compile(r"[.!?;\n]")


class RoleModel:
    """The portrayal model of data/roles.toml: which classes each event feature reads, and one
    bias and one weight per feature for each role."""

    def __init__(self, data: dict):
        head = data.get("roles", {})
        self.version = f"{head.get('name', 'roles')}@{head.get('version', '?')}"
        self.modal = float(data.get("weights", {}).get("modal", 0.5))
        self.features = {}
        for name in EVENT_FEATURES:
            spec = data.get("features", {}).get(name, {})
            self.features[name] = (spec.get("side", "source"), frozenset(spec.get("actions", ())))
        #: feature → the role it stands for by definition (the fit keeps that role's weight highest)
        self.directions = {f: r for f, r in data.get("directions", {}).items() if f in ROLE_FEATURES and r in ROLE_LABELS}
        model = data.get("model", {})
        self.coef = {r: {k: float(v) for k, v in model.get(r, {}).items()} for r in ROLE_LABELS}
        #: weights of the role components in role_margin
        self.margin = {k: float(v) for k, v in data.get("margin", {"event": 1.0, "tone": 1.0, "label": 1.0}).items()}

    @classmethod
    def load(cls) -> "RoleModel":
        text = resources.files(__package__).joinpath("data", "roles.toml").read_text(encoding="utf-8")
        return cls(tomllib.loads(text))

    @property
    def coef(self) -> dict[str, dict[str, float]]:
        """Role → {"bias": b, feature: weight}."""
        return self._coef

    @coef.setter
    def coef(self, value: dict) -> None:
        self._coef = value
        # the same as (bias, weights in ROLE_FEATURES order) per role: scores runs for every actor
        self._vectors = [(r, value.get(r, {}).get("bias", 0.0),
                          tuple(value.get(r, {}).get(f, 0.0) for f in ROLE_FEATURES)) for r in ROLE_LABELS]
        self._silent = self._silent_rounded = None

    def by_action(self, action: str) -> tuple:
        """``(feature, side)`` of the event features that read this action class."""
        cache = self.__dict__.setdefault("_by_action", {})
        v = cache.get(action)
        if v is None:
            v = cache[action] = tuple((n, side) for n, (side, classes) in self.features.items() if action in classes)
        return v

    def scores(self, features: dict) -> dict[str, float]:
        """The linear score of each role."""
        return dict(zip(ROLE_LABELS, self._linear(features)))

    def _linear(self, features: dict) -> list[float]:
        """The linear scores in ROLE_LABELS order (``scores`` without the dict: runs per actor).
        Only the non-zero features are summed (most are 0; adding a zero product never moves a
        sum), all in C."""
        x = _FEATURE_VALUES(features)
        nz = tuple(compress(x, x))
        return [b + sum(map(operator.mul, compress(w, x), nz)) for _r, b, w in self._vectors]

    def silent(self) -> dict[str, float]:
        """The role probabilities of an actor with every feature 0 (computed once)."""
        if self._silent is None:
            self._silent = _softmax(self.scores(dict.fromkeys(ROLE_FEATURES, 0.0)))
        return self._silent

    def rounded(self, probs: dict[str, float]) -> dict[str, float]:
        """``probs`` rounded to 3 places for the output; the silent actors' (most actors) once."""
        if probs is not self._silent:
            return {r: round(v, 3) for r, v in probs.items()}
        if self._silent_rounded is None:
            self._silent_rounded = {r: round(v, 3) for r, v in probs.items()}
        return dict(self._silent_rounded)


ROLE_MODEL = RoleModel.load()


def sides(actors, text: str, known) -> dict[str, str]:
    """Actor id → its side: the ``home`` of an agency or person, an unknown entity's state by
    apposition (see the module docstring), otherwise the actor itself. ``known``: ids the
    gazetteer knows (only the others are looked up by apposition)."""
    out = {}
    states = None
    for r in actors:
        side = r.get("home") if r.get("kind") in ("agency", "person") else None
        if side is None and r["id"] not in known:
            if states is None:
                states = sorted((m["end"], m["start"], a["id"]) for a in actors if a["id"] in known
                                and a.get("kind") in ("state", "agency") for m in a["mentions"])
            for m in r["mentions"]:
                before = [s for s in states if m["start"] - APPOSITION_CHARS <= s[0] <= m["start"]]
                if before and not _SENTENCE_END.search(text[before[-1][0]:m["start"]]):
                    side = before[-1][2]
                    break
        out[r["id"]] = side.split(".")[0] if side else r["id"].split(".")[0] if "." in r["id"] else r["id"]
    return out


def role_features(components: dict, events: list, actors: list, side_of: dict,
                  model: RoleModel = ROLE_MODEL) -> dict[str, dict]:
    """Per actor, the values of ``ROLE_FEATURES`` (see the module docstring)."""
    feats = {}
    for a, c in components.items():
        f = dict.fromkeys(ROLE_FEATURES, 0.0)
        f["tone_pro"], f["tone_ant"] = c["tone"]["protagonist"], c["tone"]["antagonist"]
        f["label_pro"], f["label_ant"] = c["label"]["protagonist"], c["label"]["antagonist"]
        f["experience"] = c["experience"]["innocent"]
        f["speech"] = float(len(c.get("speech") or ()))
        feats[a] = f
    for ev in events:
        speaker = (ev.get("quoted") or {}).get("speaker")
        if speaker in feats:
            feats[speaker]["speaker"] += 1.0
        if ev["negated"]:
            continue
        w = ev["confidence"] * (model.modal if ev["modality"] else 1.0)
        for name, side in model.by_action(ev["action"]):
            f = feats.get(ev[side])
            if f is not None:
                f[name] += w
    # the document's sides: who speaks most, and the tone of each side (an actor's tone is the
    # mean over its mentions without a stance, i.e. all but its role-"target" ones)
    speech, tone = {}, {}
    for r in actors:
        side = side_of.get(r["id"], r["id"])
        f = feats.get(r["id"])
        if f is not None and f["speech"]:
            speech[side] = speech.get(side, 0.0) + f["speech"]
        n = r["count"] - r["roles"]["target"]
        t = tone.get(side)
        if t is None:
            tone[side] = [r["tone"] * n, n]
        else:
            t[0] += r["tone"] * n
            t[1] += n
    top = max(speech.values(), default=0.0)
    for a, f in feats.items():
        side = side_of.get(a, a)
        f["own_side"] = 1.0 if top > 0 and speech.get(side) == top else 0.0
        t = tone.get(side)
        f["side_tone"] = t[0] / t[1] if t and t[1] else 0.0
        for k in _COUNT_NAMES:
            v = f[k]
            if v:
                f[k] = math.copysign(math.log1p(abs(v)), v)
    return feats


def _softmax(z: dict[str, float]) -> dict[str, float]:
    return _softmax_list([z[r] for r in ROLE_LABELS])


def _softmax_list(z: list[float]) -> dict[str, float]:
    """Role → probability from the linear scores in ROLE_LABELS order."""
    z0, z1, z2 = z  # the three ROLE_LABELS, unrolled: this runs for every actor
    top = max(z)
    e = (math.exp(z0 - top), math.exp(z1 - top), math.exp(z2 - top))
    total = sum(e)
    return {"antagonist": e[0] / total, "protagonist": e[1] / total, "innocent": e[2] / total}


def label(features: dict, model: RoleModel = ROLE_MODEL) -> tuple[str, dict[str, float]]:
    """``(label, probabilities)``: the most probable role, ``neutral`` when every feature is 0."""
    if not any(features.values()):
        return "neutral", model.silent()
    probs = _softmax_list(model._linear(features))
    return max(ROLE_LABELS, key=probs.__getitem__), probs


def _evidence(kind: str, weight: float, f: tuple) -> dict:
    """One shown evidence item of a portrayal (its fields as role_components kept them)."""
    if kind == "event":
        return {"event": f[0], "as": f[1], "action": f[2], "role": f[3], "weight": weight, "start": f[4], "end": f[5]}
    key = {"tone": "tone", "label": "name", "experience": "word", "speech": "speech"}[kind]
    return {key: f[0], "role": f[1], "weight": weight, "start": f[2], "end": f[3]}


_WEIGHT = operator.itemgetter(1)


def combine(components: dict, features: dict, model: RoleModel | None = None, evidence: bool = True) -> dict:
    """``{"label", "scores", "evidence"}`` of one actor: the portrayal model's label and role
    probabilities over its features (:mod:`.portrayal`), and its strongest evidence
    (``evidence=False``: label and scores only, for refitting)."""
    model = model or ROLE_MODEL
    lab, probs = label(features, model)
    out = {"label": lab, "scores": model.rounded(probs)}
    if evidence:
        items = components["evidence"]
        if items:
            # sorted()[:8] is what heapq.nlargest(8, ...) is defined as (ties keep text order), in C
            out["evidence"] = [_evidence(kind, round(w, 3), f)
                               for kind, w, f in sorted(items, key=_WEIGHT, reverse=True)[:8] if w]
        else:
            out["evidence"] = []
    return out


def role_margin(components: dict | None) -> float:
    """How far the text casts an actor as protagonist rather than antagonist, from its own events,
    tone and names only (the unweighted role components; the directed attitudes read it for B,
    so they do not move each time the portrayal model is refitted), weighted by data/roles.toml
    [margin]."""
    if not components:
        return 0.0
    return sum([w * (components[part]["protagonist"] - components[part]["antagonist"])
                for part, w in ROLE_MODEL.margin.items()])
