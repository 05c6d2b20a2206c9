"""The ``kzmedia`` command line. One module per sub-command, each with ``add_parser`` and ``run``.

Exit codes: 0 ok, 1 some documents failed (reported, with the reason, in ``errors``), 2 usage
error. Errors are printed to stderr as one readable line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import KzmediaError

#: sub-command modules, in the order ``kzmedia --help`` lists them
COMMANDS = ("analyze", "compare", "report", "export", "evaluate", "plugins", "lexicon")

EXIT_OK, EXIT_FAILED_DOCUMENTS, EXIT_USAGE = 0, 1, 2


class UsageError(KzmediaError):
    """Bad command-line usage (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="kzmedia",
        description="How Russian-language texts about Kazakhstan argue: frames, actors, rhetoric.",
    )
    parser.add_argument("--version", action="version", version=f"kzmedia {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"{__name__}.{name}":
                continue  # a command not built yet
            raise
        p = module.add_parser(sub)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on usage errors already
        return int(e.code or 0)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args._run(args) or 0)
    except UsageError as e:
        print(f"kzmedia: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KzmediaError as e:
        print(f"kzmedia: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("kzmedia: interrupted", file=sys.stderr)
        return 130


def split_names(values: list[str] | None) -> list[str] | None:
    """``--only a,b --only c`` → ``['a', 'b', 'c']``."""
    if not values:
        return None
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
