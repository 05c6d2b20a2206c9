"""kzmedia-sanctions: flags mentions of sanctions in Russian-language texts.

A complete third-party kzmedia plugin. The entry point ``sanctions = "kzmedia_sanctions"`` in
``pyproject.toml`` makes kzmedia load this module; the ``@hookimpl`` function below registers the
analyzer. Everything used comes from kzmedia's public API.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from kzmedia import Document, Lexicon, LexiconMatcher, hookimpl

__version__ = "1.0.0"


@lru_cache(maxsize=1)
def base_lexicon() -> Lexicon:
    """The lexicon shipped inside the package (read once per process)."""
    path = resources.files(__name__) / "sanctions.toml"
    return Lexicon.loads(path.read_text(encoding="utf-8"), source=str(path))


class SanctionsAnalyzer:
    """Counts mentions of sanctions by category; every count is backed by findings (spans)."""

    name = "sanctions"
    version = __version__
    #: options a user may set in [tool.kzmedia.sanctions] or with --set sanctions.KEY=VALUE
    options = {
        "count_negated": (bool, False, "count mentions preceded by a negation ('не попал под санкции')"),
        "negation_window": (int, 3, "how many words before a mention are searched for a negation"),
    }
    #: what it reads of a document: lemmas, so that «санкциями» matches «санкция»
    requires = ("tokens", "morphology")

    @property
    def produces(self) -> dict:
        """Findings labelled with the lexicons' categories (known once setup merged them), three scores."""
        categories = None if self._matcher is None else sorted(
            {c for lex in self._matcher.lexicons for entry in lex.entries for c in entry.categories})
        return {"findings": categories, "scores": ["mentions", "per_1000_words", "by_category"]}

    def data_versions(self) -> dict:
        """The lexicons read, so a results store re-analyses documents when one changes."""
        return {"lexicons": "+".join(f"{lex.name}@{lex.version}" for lex in self._matcher.lexicons)}

    def __init__(self):
        self._matcher = None
        self._count_negated = False

    def setup(self, context=None):
        """Build the matcher once: our lexicon plus any a user registered for 'sanctions'."""
        options = context.options(self.name) if context is not None else {}
        extra = context.lexicons(self.name) if context is not None else []
        self._count_negated = bool(options.get("count_negated", False))
        self._matcher = LexiconMatcher([base_lexicon(), *extra],
                                       negation_window=int(options.get("negation_window", 3)))

    def analyze(self, document: Document) -> dict:
        if self._matcher is None:  # used directly, without a Pipeline
            self.setup()
        findings, by_category = [], {}
        for match in self._matcher.match(document):
            counted = self._count_negated or not match.negated
            for category in match.entry.categories:
                if counted:
                    by_category[category] = by_category.get(category, 0) + 1
                findings.append({
                    "label": category,
                    "start": match.start,
                    "end": match.end,
                    "text": document.text[match.start:match.end],
                    "score": match.entry.weight,
                    "entry": match.entry.pattern,
                    "negated": match.negated,
                    "counted": counted,
                })
        mentions = sum(by_category.values())
        words = document.words
        return {
            "lexicons": {lex.name: lex.version for lex in self._matcher.lexicons},
            "mentions": mentions,
            "per_1000_words": round(1000 * mentions / words, 2) if words else 0.0,
            "by_category": dict(sorted(by_category.items())),
            "findings": findings,
        }

    def summary(self, result: dict) -> list[str]:
        """Lines for `kzmedia analyze`'s table."""
        cats = ", ".join(f"{k}={v}" for k, v in result["by_category"].items()) or "none"
        lines = [f"{result['mentions']} mention(s), {result['per_1000_words']} per 1,000 words: {cats}"]
        for f in result["findings"][:5]:
            lines.append(f"{f['start']}..{f['end']} {f['label']}: «{f['text']}»"
                         + ("" if f["counted"] else " (negated, not counted)"))
        return lines


@hookimpl
def kzmedia_register_analyzers(register):
    register(SanctionsAnalyzer())
