"""Calibrated confidence: from a candidate's rule features to the probability an annotator agrees.

A candidate is described by its *features* — technique, the register of its text, device, trigger
class and the context conditions met (flags such as ``target``, ``quoted``, ``weak``). They form a
chain of keys from general to specific::

    technique
    technique | register
    technique | register | device
    technique | register | device | trigger class
    technique | register | device | trigger class | flags

Each key seen in the fitting data has counts ``(n, agree)``; the probability is smoothed down the
chain (``p = (agree + m * p_parent) / (n + m)``, starting from the overall rate), so a rare
combination falls back on its more general parent. The counts are fitted on the SemEval-2023
Russian articles by ``kzmedia evaluate semeval --fit-calibration`` (cross-validated by article in
the same command) and shipped in ``data/calibration.toml``; nothing in them names a word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

from kzmedia.compat import tomllib

SEP = " | "


def feature_keys(technique: str, register: str, device: str, trigger_class: str,
                 flags: Iterable[str]) -> tuple[str, ...]:
    """The chain of keys of one candidate, general to specific."""
    k0 = technique
    k1 = k0 + SEP + register
    k2 = k1 + SEP + device
    k3 = k2 + SEP + trigger_class
    k4 = k3 + SEP + (",".join(sorted(flags)) or "-")
    return (k0, k1, k2, k3, k4)


class Calibration:
    """Fitted counts per feature key and the probability they give."""

    __slots__ = ("version", "smoothing", "prior", "cells", "min_confidence", "meta")

    def __init__(self, cells: dict[str, tuple[int, int]], *, prior: float, smoothing: float = 8.0,
                 version: str = "unfitted", min_confidence: float | None = None, meta: dict | None = None):
        self.cells, self.prior, self.smoothing = cells, prior, smoothing
        self.version, self.min_confidence, self.meta = version, min_confidence, dict(meta or {})

    @property
    def fitted(self) -> bool:
        return bool(self.cells)

    def probability(self, keys: Sequence[str]) -> float:
        p, m = self.prior, self.smoothing
        cells = self.cells
        for key in keys:
            c = cells.get(key)
            if c is None:
                break
            n, a = c
            p = (a + m * p) / (n + m)
        return p

    @classmethod
    def fit(cls, samples: Iterable[tuple[Sequence[str], bool]], **kw) -> "Calibration":
        """Counts from ``(keys, agreed)`` samples."""
        cells: dict[str, list[int]] = {}
        n = a = 0
        for keys, agreed in samples:
            n += 1
            a += bool(agreed)
            for key in keys:
                c = cells.setdefault(key, [0, 0])
                c[0] += 1
                c[1] += bool(agreed)
        return cls({k: (v[0], v[1]) for k, v in cells.items()}, prior=a / n if n else 0.0, **kw)

    # -- the data file -------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> "Calibration":
        if path is None:
            fh = (resources.files(__package__) / "data" / "calibration.toml").open("rb")
        else:
            fh = open(path, "rb")
        with fh:
            data = tomllib.load(fh)
        cells = {c["key"]: (int(c["n"]), int(c["agree"])) for c in data.get("cell", [])}
        return cls(cells, prior=float(data.get("prior", 0.0)), smoothing=float(data.get("smoothing", 8.0)),
                   version=str(data.get("version", "unfitted")), min_confidence=data.get("min_confidence"),
                   meta=data.get("meta") or {})

    def dumps(self) -> str:
        def q(s: str) -> str:
            return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

        lines = ["# Fitted calibration of the rhetoric analyzer's confidence (see calibration.py).",
                 "# Written by `kzmedia evaluate semeval PATH --fit-calibration FILE`; do not edit by hand.",
                 "# Counts per feature key: n candidates, agree = the technique is among the human labels of",
                 "# the paragraph(s) the candidate lies in. No key names a word.", "",
                 f"version = {q(self.version)}", f"prior = {self.prior:.6f}", f"smoothing = {self.smoothing:g}"]
        if self.min_confidence is not None:
            lines.append(f"min_confidence = {self.min_confidence:.3f}")
        if self.meta:
            lines += ["", "[meta]"]
            for k, v in sorted(self.meta.items()):
                lines.append(f"{k} = {q(str(v)) if isinstance(v, str) else repr(v).lower() if isinstance(v, bool) else v}")
        for key in sorted(self.cells):
            n, a = self.cells[key]
            lines += ["", "[[cell]]", f"key = {q(key)}", f"n = {n}", f"agree = {a}"]
        return "\n".join(lines) + "\n"


__all__ = ["Calibration", "feature_keys"]
