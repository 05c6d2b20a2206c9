"""``kzmedia evaluate DATASET PATH``: agreement with human annotation.

Each data set has a module in :mod:`kzmedia.evaluate` exposing ``add_arguments(parser)`` and
``run(args) -> int``; this command only dispatches.
"""

from __future__ import annotations

import importlib

#: dataset name → module under kzmedia.evaluate
DATASETS = {
    "semeval": "semeval",     # persuasion techniques, SemEval-2023 Task 3 subtask 3 (rhetoric)
    "frames": "frames",       # generic frames, SemEval-2023 Task 3 subtask 2 (framing)
}


def add_parser(sub, registered=()):
    """``registered``: evaluations plugins registered (``kzmedia_register_commands`` with
    ``group="evaluate"``); one with the name of a core data set replaces it."""
    p = sub.add_parser("evaluate", help="measure agreement with human-annotated data")
    datasets = p.add_subparsers(dest="dataset", metavar="DATASET")
    own = {c.name for c in registered}
    for cmd in registered:
        dp = datasets.add_parser(cmd.name, help=cmd.help)
        cmd.add_arguments(dp)
        dp.set_defaults(_evaluate=cmd.run)
    for name, modname in DATASETS.items():
        if name in own:
            continue
        try:
            module = importlib.import_module(f"kzmedia.evaluate.{modname}")
        except ModuleNotFoundError as e:
            if e.name == f"kzmedia.evaluate.{modname}":
                continue
            raise
        dp = datasets.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else None)
        module.add_arguments(dp)
        dp.set_defaults(_evaluate=module.run)
    return p


def run(args) -> int:
    from . import UsageError

    if not getattr(args, "_evaluate", None):
        raise UsageError(f"name a data set: {', '.join(DATASETS)}")
    return int(args._evaluate(args) or 0)
