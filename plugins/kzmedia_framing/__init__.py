"""The ``framing`` analyzer: ten domain frames and the 14 generic news frames, with evidence.

Registered through the ``kzmedia`` entry-point group like any third-party plugin; see
``docs/framing.md`` for the frames, the scoring, the *present* and *dominant* rules and how to
add or replace lexicons.
"""

from __future__ import annotations

from kzmedia import hookimpl

from .analyzer import (CONFLICT_FRAMES, CONFLICT_THRESHOLD, DOMAIN_FRAMES, GENERIC_FRAMES,
                       DominanceRule, Evidence, FrameScore, FramingAnalyzer, FramingResult,
                       PresenceRule, builtin_lexicons)

__all__ = ["CONFLICT_FRAMES", "CONFLICT_THRESHOLD", "DOMAIN_FRAMES", "GENERIC_FRAMES", "DominanceRule",
           "Evidence", "FrameScore", "FramingAnalyzer", "FramingResult", "PresenceRule",
           "builtin_lexicons"]


@hookimpl
def kzmedia_register_analyzers(register):
    register(FramingAnalyzer())


@hookimpl
def kzmedia_register_commands(register):
    """``kzmedia evaluate frames``: generic frames against SemEval-2023 human labels, cross-validated."""
    from . import evaluation

    register("frames", evaluation.add_arguments, evaluation.run, group="evaluate",
             help="generic frames vs SemEval-2023 human frame labels (cross-validated by article)")


@hookimpl
def kzmedia_register_compare_sections(register):
    """Frames asserted in one text and rejected in the other first, with evidence; for groups,
    dominant frames and stances per group (``kzmedia compare``)."""
    from .compare import FramingGroups, section

    register("framing", section, groups=FramingGroups)
