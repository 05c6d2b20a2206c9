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
import re
from importlib import resources

from kzmedia.compat import tomllib

from .events import ROLE_LABELS

#: features read from the events (their action classes are in data/roles.toml [features])
EVENT_FEATURES = ("src_hostile", "tgt_hostile", "src_help", "tgt_help", "accused", "accuser")
ROLE_FEATURES = ("tone_pro", "tone_ant", "label_pro", "label_ant", "experience") + EVENT_FEATURES + (
    "speaker", "speech", "own_side", "side_tone")
#: features that are counts or sums: squashed by a signed log1p (one more event says less each time)
_COUNTS = frozenset(ROLE_FEATURES) - {"own_side", "side_tone"}
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
        model = data.get("model", {})
        self.coef = {r: {k: float(v) for k, v in model.get(r, {}).items()} for r in ROLE_LABELS}
        #: weights of the role components in role_margin
        self.margin = {k: float(v) for k, v in data.get("margin", {"event": 1.0, "tone": 1.0, "label": 1.0}).items()}

    @classmethod
    def load(cls) -> "RoleModel":
        text = resources.files(__package__).joinpath("data", "roles.toml").read_text(encoding="utf-8")
        return cls(tomllib.loads(text))

    def scores(self, features: dict) -> dict[str, float]:
        """The linear score of each role."""
        return {r: c.get("bias", 0.0) + sum(c.get(f, 0.0) * features[f] for f in ROLE_FEATURES)
                for r, c in self.coef.items()}


ROLE_MODEL = RoleModel.load()


def _squash(v: float) -> float:
    return math.copysign(math.log1p(abs(v)), v) if v else 0.0


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
        for name, (side, classes) in model.features.items():
            actor = ev[side]
            if actor in feats and ev["action"] in classes:
                feats[actor][name] += w
    # the document's sides: who speaks most, and the tone of each side
    speech, tone = {}, {}
    for r in actors:
        side = side_of.get(r["id"], r["id"])
        speech[side] = speech.get(side, 0.0) + (feats[r["id"]]["speech"] if r["id"] in feats else 0.0)
        t = tone.setdefault(side, [0.0, 0])
        for m in r["mentions"]:
            if "stance" not in m:
                t[0] += m["tone"]
                t[1] += 1
    top = max(speech.values(), default=0.0)
    for a, f in feats.items():
        side = side_of.get(a, a)
        f["own_side"] = 1.0 if top > 0 and speech.get(side) == top else 0.0
        t = tone.get(side)
        f["side_tone"] = t[0] / t[1] if t and t[1] else 0.0
        for k in _COUNTS:
            f[k] = _squash(f[k])
    return feats


def label(features: dict, model: RoleModel = ROLE_MODEL) -> tuple[str, dict[str, float]]:
    """``(label, probabilities)``: the most probable role, ``neutral`` when every feature is 0."""
    z = model.scores(features)
    top = max(z.values())
    e = {r: math.exp(v - top) for r, v in z.items()}
    total = sum(e.values())
    probs = {r: e[r] / total for r in ROLE_LABELS}
    if not any(features.values()):
        return "neutral", probs
    return max(ROLE_LABELS, key=probs.__getitem__), probs


def role_margin(components: dict | None) -> float:
    """How far the text casts an actor as protagonist rather than antagonist, from its own events,
    tone and names only (the unweighted role components; the directed attitudes read it for B,
    so they do not move each time the portrayal model is refitted), weighted by data/roles.toml
    [margin]."""
    if not components:
        return 0.0
    return sum(w * (components[part]["protagonist"] - components[part]["antagonist"])
               for part, w in ROLE_MODEL.margin.items())
