"""The ``kzmedia`` command line. One module per sub-command, each with ``add_parser`` and ``run``.

Exit codes: 0 ok, 1 some documents failed (reported, with the reason, in ``errors``), 2 usage
error. Errors are printed to stderr as one readable line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sqlite3
import sys

from ..errors import KzmediaError

#: sub-command modules, in the order ``kzmedia --help`` lists them
COMMANDS = ("analyze", "compare", "kwic", "report", "export", "evaluate", "plugins", "lexicon")

EXIT_OK, EXIT_FAILED_DOCUMENTS, EXIT_USAGE = 0, 1, 2


class UsageError(KzmediaError):
    """Bad command-line usage (exit code 2)."""


def build_parser(plugin_manager=None) -> argparse.ArgumentParser:
    """The parser: the core's commands, then the commands plugins register
    (``kzmedia_register_commands``; ``group="evaluate"`` ones under ``kzmedia evaluate``)."""
    from .. import __version__
    from ..plugins import collect_commands, default_plugin_manager

    parser = argparse.ArgumentParser(
        prog="kzmedia",
        description="How Russian-language texts about Kazakhstan argue, read by analyzer plugins "
                    "(kzmedia plugins lists them).",
    )
    parser.add_argument("--version", action="version", version=f"kzmedia {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    try:
        pm = plugin_manager if plugin_manager is not None else default_plugin_manager()
        registered = collect_commands(pm)
    except KzmediaError as e:  # the core's own commands still work (and say so again if they need it)
        print(f"kzmedia: warning: commands from plugins are not available: {e}", file=sys.stderr)
        registered = []
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"{__name__}.{name}":
                continue  # a command not built yet
            raise
        if name == "evaluate":
            p = module.add_parser(sub, [c for c in registered if c.group == "evaluate"])
        else:
            p = module.add_parser(sub)
        p.set_defaults(_run=module.run)
    for cmd in registered:
        if cmd.group is None:
            p = sub.add_parser(cmd.name, help=cmd.help)
            cmd.add_arguments(p)
            p.set_defaults(_run=cmd.run)
    parser.set_defaults(plugin_manager=plugin_manager)
    return parser


def main(argv: list[str] | None = None, plugin_manager=None) -> int:
    """Run the command line; ``plugin_manager``: run with these plugins instead of the installed
    ones (tests, applications embedding kzmedia). Returns the exit status."""
    parser = build_parser(plugin_manager)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on usage errors already
        return int(e.code or 0)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if hasattr(signal, "SIGXFSZ"):  # a file-size limit: an error to report, not a silent kill
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        except ValueError:  # not the main thread (embedded)
            pass
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
    except OSError as e:  # disk full, file-size limit, unwritable output: one line, what and where
        where = f"{e.filename}: " if getattr(e, "filename", None) else ""
        print(f"kzmedia: error: {where}{e.strerror or e} (nothing stored was lost; "
              "a --store run resumes where it stopped)", file=sys.stderr)
        return EXIT_FAILED_DOCUMENTS
    except sqlite3.Error as e:
        print(f"kzmedia: error: results store: {e} (committed batches are kept; "
              "run the same command again to resume)", file=sys.stderr)
        return EXIT_FAILED_DOCUMENTS
    except KeyboardInterrupt:
        print("kzmedia: interrupted", file=sys.stderr)
        return 130


def add_pipeline_arguments(parser) -> None:
    """The options every command that runs analyzers shares (analyze, compare, report)."""
    from ..config import add_config_arguments

    parser.add_argument("--only", action="append", metavar="NAMES",
                        help="run only these analyzers (comma-separated)")
    parser.add_argument("--disable", action="append", metavar="NAMES", help="leave out these plugins (entry-point names) or analyzers (by name)")
    parser.add_argument("--lexicon", action="append", metavar="ANALYZER=PATH",
                        help="add a lexicon file for an analyzer, e.g. sanctions=my_words.toml")
    parser.add_argument("--encoding", help="decode input files with this encoding instead of UTF-8")
    parser.add_argument("--strict", action="store_true", help="stop at the first analyzer error")
    parser.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                        help="stop an analyzer that spends longer on one document and record a timeout "
                             "error (default: 300; 0: no limit)")
    add_config_arguments(parser)


def _seconds(value: str) -> float:
    import argparse
    import math

    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not (seconds >= 0 and math.isfinite(seconds)):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {value!r}")
    return seconds


def parse_lexicon_args(values) -> dict[str, list[str]]:
    """``--lexicon sanctions=a.toml --lexicon sanctions=b.toml`` → ``{"sanctions": ["a.toml", "b.toml"]}``."""
    out: dict[str, list[str]] = {}
    for v in values or ():
        if "=" not in v:
            raise UsageError(f"--lexicon expects ANALYZER=PATH, got {v!r}")
        name, path = v.split("=", 1)
        out.setdefault(name.strip(), []).append(path)
    return out


def build_pipeline(args):
    """A :class:`kzmedia.Pipeline` from the shared options, with the configuration file in force
    (``kzmedia.toml`` / ``[tool.kzmedia]``) overridden by ``--set``."""
    from ..config import cli_config
    from ..pipeline import DEFAULT_TIMEOUT, Pipeline

    timeout = getattr(args, "timeout", None)
    return Pipeline(split_names(args.only), strict=args.strict,
                    timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
                    disabled=split_names(args.disable) or (),
                    config=cli_config(getattr(args, "set_options", None)),
                    extra_lexicons=parse_lexicon_args(getattr(args, "lexicon", None)),
                    plugin_manager=getattr(args, "plugin_manager", None))


def split_names(values: list[str] | None) -> list[str] | None:
    """``--only a,b --only c`` → ``['a', 'b', 'c']``."""
    if not values:
        return None
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
