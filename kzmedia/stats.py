"""The statistics of group comparisons, in plain Python: G², t-intervals, permutation tests, Benjamini–Hochberg.

No NumPy or SciPy at run time (the tests check every function against SciPy where it is
installed, ``pip install 'kzmedia[stats]'``). The choices, documented in ``docs/compare.md``:

* **test of chance on counts**: the log-likelihood ratio G² of the 2×2 table *occurrences vs the
  other words* in group A and B (Dunning 1993; Rayson & Garside 2000), no continuity correction,
  p from χ² with one degree of freedom — SciPy's ``chi2_contingency(table, correction=False,
  lambda_="log-likelihood")``;
* **test of chance over documents**: a two-sided permutation test of the difference of the
  groups' mean per-document values, the documents' group labels shuffled ``permutations`` times
  with a fixed seed, p = (1 + as extreme) / (1 + permutations) (never 0);
* **confidence interval** of a mean: Student's t-interval over the documents (mean ± t·sd/√n);
* **effect size**: log₂ of the ratio of the two groups' pooled rates, 0.5 added to each count
  (so a label absent from one group has a finite ratio);
* **many comparisons**: Benjamini–Hochberg adjusted p (q) over every comparison of one run.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import random
from collections.abc import Sequence

__all__ = ["g2", "chi2_sf1", "log2_ratio", "mean_interval", "t_ppf", "t_cdf", "benjamini_hochberg",
           "Permutations", "SMOOTHING"]

#: added to each count before a log ratio (a label absent from one group stays finite)
SMOOTHING = 0.5


def _xlogx_over(x: float, e: float) -> float:
    return x * math.log(x / e) if x > 0 else 0.0


def g2(a: float, words_a: float, b: float, words_b: float) -> float:
    """Log-likelihood G² of occurrences ``a`` in ``words_a`` words against ``b`` in ``words_b``
    (the full 2×2 table: occurrences and the other words of each group)."""
    table = ((a, words_a - a), (b, words_b - b))
    total = words_a + words_b
    if total <= 0:
        return 0.0
    cols = (a + b, total - a - b)
    out = 0.0
    for row, n in zip(table, (words_a, words_b)):
        for x, col in zip(row, cols):
            e = n * col / total
            if e > 0:
                out += _xlogx_over(x, e)
    return max(0.0, 2.0 * out)


def chi2_sf1(x: float) -> float:
    """P(χ²₁ ≥ x): the p-value of a G² (or χ²) statistic with one degree of freedom."""
    return math.erfc(math.sqrt(max(0.0, x) / 2.0))


def log2_ratio(a: float, words_a: float, b: float, words_b: float, smoothing: float = SMOOTHING) -> float | None:
    """log₂((a + s)/words_a ÷ (b + s)/words_b): +1 = twice as frequent in A, −1 = half."""
    if words_a <= 0 or words_b <= 0:
        return None
    return math.log2(((a + smoothing) / words_a) / ((b + smoothing) / words_b))


# --- Student's t ---------------------------------------------------------------------------

def _betacf(a: float, b: float, x: float) -> float:
    """The continued fraction of the regularised incomplete beta function (modified Lentz)."""
    tiny, qab, qap, qam = 1e-300, a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


@functools.lru_cache(maxsize=256)
def t_ppf(q: float, df: float) -> float:
    """The ``q`` quantile of Student's t (bisection on :func:`t_cdf`, to 1e-12)."""
    if not 0.0 < q < 1.0:
        raise ValueError("q must be strictly between 0 and 1")
    if q < 0.5:
        return -t_ppf(1.0 - q, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < q:
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < q:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2.0


def mean_interval(values: Sequence[float], level: float = 0.95, *,
                  floor: float | None = None) -> tuple[float | None, float | None, float | None]:
    """``(mean, low, high)``: the t-interval of the mean over documents (no interval for fewer
    than two values, a zero-width one when every value is the same); ``floor`` clips ``low``
    (a rate cannot be negative)."""
    n = len(values)
    if n == 0:
        return None, None, None
    mean = math.fsum(values) / n
    if n < 2:
        return mean, None, None
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
    half = t_ppf(0.5 + level / 2.0, n - 1) * sd / math.sqrt(n)
    low = mean - half if floor is None else max(floor, mean - half)
    return mean, low, mean + half


# --- permutations over documents ----------------------------------------------------------------

class Permutations:
    """The same ``n`` random splits of ``n_a + n_b`` documents reused for every measure of a
    comparison (fixed ``seed``: a run is reproducible); a measure costs ``n`` × its non-zero documents."""

    def __init__(self, n_a: int, n_b: int, n: int = 999, seed: int = 0):
        self.n_a, self.n_b, self.n = n_a, n_b, n
        rng = random.Random(seed)
        total = n_a + n_b
        self._in_a: list[bytearray] = []
        for _ in range(n if n_a and n_b else 0):
            chosen = bytearray(total)
            for i in rng.sample(range(total), n_a):
                chosen[i] = 1
            self._in_a.append(chosen)

    def p_value(self, values_a: Sequence[float], values_b: Sequence[float]) -> float | None:
        """Two-sided p of the difference of means (A's documents first, then B's)."""
        if not self._in_a or len(values_a) != self.n_a or len(values_b) != self.n_b:
            return None
        values = [*values_a, *values_b]
        total = math.fsum(values)
        where = [i for i, v in enumerate(values) if v]
        if not where:
            return 1.0
        nonzero = [values[i] for i in where]
        pick = operator.itemgetter(*where) if len(where) > 1 else (lambda chosen: (chosen[where[0]],))

        def diff(sum_a: float) -> float:
            return sum_a / self.n_a - (total - sum_a) / self.n_b

        observed = abs(diff(math.fsum(values_a)))
        tolerance = 1e-9 * max(1.0, observed)
        extreme = 0
        for chosen in self._in_a:  # C-level selection: the sum of the non-zero values drawn into A
            if abs(diff(sum(itertools.compress(nonzero, pick(chosen))))) >= observed - tolerance:
                extreme += 1
        return (1 + extreme) / (1 + len(self._in_a))


# --- many comparisons ---------------------------------------------------------------------------

def benjamini_hochberg(pvalues: Sequence[float | None]) -> list[float | None]:
    """Benjamini–Hochberg adjusted p-values (step-up, monotone, at most 1); None stays None and
    does not count as a comparison."""
    ranked = sorted((p, i) for i, p in enumerate(pvalues) if p is not None)
    m = len(ranked)
    out: list[float | None] = [None] * len(pvalues)
    running = 1.0
    for rank in range(m, 0, -1):
        p, i = ranked[rank - 1]
        running = min(running, p * m / rank)
        out[i] = min(1.0, running)
    return out
