"""``kzmedia evaluate NAME PATH``: agreement with human annotation, one sub-command per data set.

The core has no evaluation of its own: each analyzer measures itself. A plugin registers its
data sets through ``kzmedia_register_commands`` with ``group="evaluate"`` (the default plugins
do so: ``kzmedia evaluate --help`` lists what is installed); this command only lists and
dispatches them.
"""

from __future__ import annotations


def add_parser(sub, registered=()):
    """``registered``: the :class:`kzmedia.plugins.Command` objects plugins registered with
    ``group="evaluate"``, each becoming ``kzmedia evaluate NAME``."""
    p = sub.add_parser("evaluate", help="measure agreement with human-annotated data")
    datasets = p.add_subparsers(dest="dataset", metavar="DATASET")
    for cmd in registered:
        dp = datasets.add_parser(cmd.name, help=cmd.help)
        cmd.add_arguments(dp)
        dp.set_defaults(_evaluate=cmd.run)
    p.set_defaults(_evaluate_names=[c.name for c in registered])
    return p


def run(args) -> int:
    from . import UsageError

    if not getattr(args, "_evaluate", None):
        names = getattr(args, "_evaluate_names", None) or []
        raise UsageError(f"name a data set: {', '.join(names)}" if names else
                         "no plugin registers an evaluation (kzmedia_register_commands with group='evaluate')")
    return int(args._evaluate(args) or 0)
