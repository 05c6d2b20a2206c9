"""kzmedia: how Russian-language texts about Kazakhstan and its neighbours argue.

The core reads and tokenises texts and runs analyzers, pluggy plugins discovered through the
``kzmedia`` entry-point group, whose results it knows only as spans of the original text with a
label, scores and relations (:mod:`kzmedia.results`); the plugins installed by default use the
same public API as any third-party plugin (``kzmedia plugins`` lists them).
"""

from __future__ import annotations

__version__ = "0.1.0"

from .document import Document, Segment, Token, Tokens  # noqa: E402
from .errors import (AnalyzerError, DocumentError, KzmediaError, LexiconError,  # noqa: E402
                     PluginError)
from .hookspecs import hookimpl  # noqa: E402
from .lexicon import Lexicon, LexiconEntry, LexiconMatch, LexiconMatcher  # noqa: E402
from .morphology import TokenInfo  # noqa: E402
from .pipeline import Analysis, FailedDocument, Pipeline, SetupContext, analyze  # noqa: E402
from .protocol import Analyzer, Produces  # noqa: E402
from .results import Finding, Relation, ResultModel, Score, Span, normalise  # noqa: E402
from .stance import Stance, StanceIndex, stance_of  # noqa: E402


def __getattr__(name):
    # the memo classes moved to kzmedia.memo (they are a speed tool, not the everyday API)
    if name in ("FormMemo", "FormScreen"):
        import warnings

        from . import memo

        warnings.warn(f"kzmedia.{name} moved: import it from kzmedia.memo", DeprecationWarning, stacklevel=2)
        return getattr(memo, name)
    raise AttributeError(f"module 'kzmedia' has no attribute {name!r}")


def compare(doc_a, doc_b, **kwargs):
    """Two texts side by side: every analyzer's labels, scores and relations, and the sections
    plugins add (see :mod:`kzmedia.comparison`)."""
    from .comparison import compare as _compare

    return _compare(doc_a, doc_b, **kwargs)


def compare_groups(groups=None, **kwargs):
    """Groups of documents compared with statistics (see :func:`kzmedia.comparison.compare_groups`)."""
    from .comparison import compare_groups as _compare_groups

    return _compare_groups(groups, **kwargs)


__all__ = [
    "Analysis", "Analyzer", "AnalyzerError", "Document", "DocumentError", "FailedDocument", "Finding",
    "KzmediaError", "Lexicon", "LexiconEntry", "LexiconError", "LexiconMatch", "LexiconMatcher",
    "Pipeline", "PluginError", "Produces", "Relation", "ResultModel", "Score", "Segment", "SetupContext", "Span",
    "Stance", "StanceIndex", "Token", "TokenInfo", "Tokens", "analyze", "compare", "compare_groups", "hookimpl", "normalise", "stance_of",
    "__version__",
]
