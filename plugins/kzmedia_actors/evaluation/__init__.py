"""Evaluations of the actors analyzer against human-annotated data (read from ../shared, never stored)."""

from __future__ import annotations

import statistics


def spread(values) -> dict:
    """``{"mean", "sd", "min", "max"}`` of per-fold figures (sd: the sample standard deviation,
    0 for one fold), rounded to four places: how held-out figures are reported."""
    xs = [float(v) for v in values if v == v]  # NaN (a fold without both classes) left out
    if not xs:
        return {"mean": float("nan"), "sd": float("nan"), "min": float("nan"), "max": float("nan")}
    sd = statistics.stdev(xs) if len(xs) > 1 else 0.0
    return {k: round(v, 4) for k, v in (("mean", statistics.fmean(xs)), ("sd", sd), ("min", min(xs)), ("max", max(xs)))}
