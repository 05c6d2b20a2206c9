"""kzmedia-rhetoric: persuasion techniques (SemEval-2023 Task 3 taxonomy) in Russian text, as spans.

Registered through the ``kzmedia`` entry-point group like any third-party plugin; see
``docs/rhetoric.md``.
"""

from __future__ import annotations

from kzmedia import hookimpl

from .analyzer import DEFAULT_DISABLED, RhetoricAnalyzer, RhetoricResult, load_builtin_lexicons
from .taxonomy import CATEGORIES, CATEGORY_OF, DEVICES, TECHNIQUES

__version__ = RhetoricAnalyzer.version


@hookimpl
def kzmedia_register_analyzers(register):
    register(RhetoricAnalyzer())


__all__ = ["CATEGORIES", "CATEGORY_OF", "DEFAULT_DISABLED", "DEVICES", "RhetoricAnalyzer",
           "RhetoricResult", "TECHNIQUES", "kzmedia_register_analyzers", "load_builtin_lexicons"]


@hookimpl
def kzmedia_register_commands(register):
    from . import semeval

    register("semeval", semeval.add_arguments, semeval.run,
             help="persuasion techniques, SemEval-2023 Task 3 subtask 3 (rhetoric)", group="evaluate")
