"""Per-analyzer configuration: files, ``--set`` options, declared options and their validation.

Where options come from, later sources overriding earlier ones option by option:

1. a ``kzmedia.toml`` (tables named after analyzers: ``[sanctions]``) or, failing that, the
   ``[tool.kzmedia.<analyzer>]`` tables of a ``pyproject.toml`` — the nearest one found walking
   up from the working directory (the walk stops at the first ``pyproject.toml``);
2. ``Pipeline(config=...)`` in Python, or ``--set analyzer.key=value`` on the command line.

An analyzer declares the options it understands with an ``options`` class attribute mapping
each name to ``(type, default, help)``::

    class Sanctions:
        options = {
            "negation_window": (int, 3, "words before a mention that can negate it"),
            "labels": (list, [], "report only these labels (empty: all)"),
        }

(or :class:`Option` values, which add ``minimum``, ``maximum`` and ``choices``).

:func:`validate_config` (called by :class:`kzmedia.Pipeline`) then rejects unknown option names
and values of the wrong type with an error naming the file (or ``--set``) and the option,
converts ``--set`` strings to the declared type and fills in defaults, so ``setup(context)``
receives every declared option through ``context.options(name)``. An analyzer that declares
nothing receives its options unchecked.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .compat import tomllib
from .errors import KzmediaError

__all__ = ["Config", "ConfigError", "Option", "add_config_arguments", "cli_config", "declared_options",
           "describe_options", "find_config_file", "load_config",
           "load_config_file", "merge_configs", "parse_set_options", "validate_config"]

CONFIG_FILE = "kzmedia.toml"
PYPROJECT = "pyproject.toml"
#: set this environment variable to a file path to use that file instead of searching
ENV_CONFIG = "KZMEDIA_CONFIG"

_TYPES = (bool, int, float, str, list, dict)


class ConfigError(KzmediaError):
    """A configuration file or option is invalid; the message names where it came from."""


@attrs.frozen
class Option:
    """One declared option. ``options = {"name": (type, default, help)}`` is shorthand for it.

    ``minimum``/``maximum`` bound a number; ``choices`` lists the allowed values of a ``str``
    option or of each item of a ``list`` option. A ``list`` given as a string (``--set
    a.b=x,y``) is split on commas, never into characters.
    """

    type: type
    default: Any = None
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple | None = attrs.field(default=None, converter=lambda v: None if v is None else tuple(v))

    def __attrs_post_init__(self):
        if self.type not in _TYPES:
            raise TypeError(f"option type must be one of bool, int, float, str, list, dict; got {self.type!r}")

    def check(self, value: Any) -> Any:
        """``value`` converted to the declared type and checked; ``ValueError`` says why not."""
        value = _coerce(value, self)
        if self.type in (int, float):
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"{value!r} is below the minimum {self.minimum!r}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"{value!r} is above the maximum {self.maximum!r}")
        if self.choices is not None:
            items = value if self.type is list else [value]
            bad = [v for v in items if v not in self.choices]
            if bad:
                shown = ", ".join(map(str, self.choices[:8])) + (", …" if len(self.choices) > 8 else "")
                raise ValueError(f"unknown value(s) {', '.join(map(repr, bad))}; choose from {shown}")
        return value


class Config(dict):
    """``{analyzer: {option: value}}`` that remembers where each option was set (for errors).

    ``sources[(analyzer, option)]`` is e.g. ``"kzmedia.toml [sanctions]"`` or ``"--set"``.
    It is an ordinary ``dict`` otherwise, and can be passed as ``Pipeline(config=...)``.
    """

    def __init__(self, data: Mapping | None = None, sources: Mapping | None = None):
        super().__init__({k: dict(v) for k, v in (data or {}).items()})
        self.sources: dict[tuple[str, str], str] = dict(sources or {})

    def source(self, analyzer: str, option: str) -> str:
        return self.sources.get((analyzer, option), "configuration")


def _sourced(data: Mapping, source: str) -> Config:
    return Config(data, {(a, k): source for a, opts in data.items() for k in opts})


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

def find_config_file(cwd: str | os.PathLike | None = None) -> tuple[Path, str] | None:
    """The configuration file in force for ``cwd``: ``(path, kind)`` with kind ``"kzmedia"`` or
    ``"pyproject"``, or ``None``. ``KZMEDIA_CONFIG`` overrides the search."""
    forced = os.environ.get(ENV_CONFIG)
    if forced:
        path = Path(forced)
        if not path.is_file():
            raise ConfigError(f"{ENV_CONFIG}={forced}: no such file")
        return path, ("pyproject" if path.name == PYPROJECT else "kzmedia")
    here = Path(cwd or os.getcwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate, "kzmedia"
        candidate = directory / PYPROJECT
        if candidate.is_file():  # a project root: the search stops here either way
            return candidate, "pyproject"
    return None


def load_config_file(path: str | os.PathLike, kind: str | None = None) -> Config:
    """Read one file: ``kzmedia.toml`` (top-level tables per analyzer, or a ``[tool.kzmedia]``
    table) or a ``pyproject.toml`` (``[tool.kzmedia.<analyzer>]``; absent = empty)."""
    path = Path(path)
    kind = kind or ("pyproject" if path.name == PYPROJECT else "kzmedia")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not valid UTF-8 at byte {e.start} (byte 0x{e.object[e.start]:02x}); "
                          f"TOML files are UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    prefix = ""
    if kind == "pyproject" or "tool" in data:
        tool = data.get("tool", {})
        if not isinstance(tool, Mapping):
            raise ConfigError(f"{path}: tool = {tool!r}: expected a table ([tool.kzmedia.<analyzer>])")
        data = tool.get("kzmedia", {})
        prefix = "tool.kzmedia."
        if not isinstance(data, Mapping):
            raise ConfigError(f"{path}: [tool] kzmedia = {data!r}: expected a table of analyzers, "
                              f"e.g. [tool.kzmedia.sanctions]")
    out = {}
    for analyzer, options in data.items():
        if not isinstance(options, Mapping):
            raise ConfigError(f"{path}: [{prefix.rstrip('.') or 'top level'}] {analyzer} = {options!r}: "
                              f"expected a table of options per analyzer, e.g. [{prefix}{analyzer}]")
        out[analyzer] = dict(options)
    config = Config(out)
    for analyzer, options in out.items():
        for key in options:
            config.sources[(analyzer, key)] = f"{path} [{prefix}{analyzer}]"
    return config


def load_config(cwd: str | os.PathLike | None = None) -> dict[str, dict]:
    """The configuration from the file in force for ``cwd`` (see :func:`find_config_file`),
    as a :class:`Config` (empty when there is no file or no ``[tool.kzmedia]``)."""
    found = find_config_file(cwd)
    if found is None:
        return Config()
    return load_config_file(*found)


def _parse_value(raw: str) -> Any:
    """A ``--set`` value: a TOML literal when it is one (``0.6``, ``true``, ``["a", "b"]``),
    else the string itself."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def parse_set_options(values: Iterable[str] | None) -> dict[str, dict]:
    """``["sanctions.negation_window=5"]`` → ``{"sanctions": {"negation_window": 5}}``."""
    out: dict[str, dict] = {}
    for item in values or ():
        name, eq, raw = item.partition("=")
        analyzer, dot, key = name.strip().partition(".")
        if not eq or not dot or not analyzer or not key:
            raise ConfigError(f"--set {item!r}: expected ANALYZER.OPTION=VALUE, e.g. sanctions.negation_window=5")
        out.setdefault(analyzer, {})[key.strip()] = _parse_value(raw.strip())
    return _sourced(out, "--set")


def merge_configs(*configs: Mapping[str, Mapping[str, Any]] | None) -> Config:
    """Merge option by option; later configurations win. Sources are kept."""
    out = Config()
    for config in configs:
        if not config:
            continue
        sources = getattr(config, "sources", {})
        for analyzer, options in config.items():
            for key, value in options.items():
                out.setdefault(analyzer, {})[key] = value
                out.sources[(analyzer, key)] = sources.get((analyzer, key), "configuration")
    return out


# --------------------------------------------------------------------------------------------
# Declared options and validation
# --------------------------------------------------------------------------------------------

def declared_options(analyzer: object) -> dict[str, Option] | None:
    """The analyzer's declared options, or ``None`` when it declares none.

    An ``options`` attribute counts as a declaration only when every value is an :class:`Option`
    or a ``(type, default[, help])`` tuple, so an analyzer that stores its option *values* in
    ``self.options`` is left alone.
    """
    spec = getattr(analyzer, "options", None)
    if not isinstance(spec, Mapping) or callable(spec):
        return None
    out = {}
    for name, value in spec.items():
        if isinstance(value, Option):
            out[str(name)] = value
        elif isinstance(value, tuple) and 2 <= len(value) <= 3 and value[0] in _TYPES:
            out[str(name)] = Option(*value)
        else:
            return None
    return out


def _coerce(value: Any, option: Option) -> Any:
    kind = option.type
    if kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
            return value.lower() in ("true", "yes", "on", "1")
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    elif kind is str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # --set name=2026 parses as a number
    elif kind is list:
        if isinstance(value, (list, tuple)):
            return list(value)
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
    elif kind is dict:
        if isinstance(value, Mapping):
            return dict(value)
    raise ValueError(f"expected {kind.__name__}, got {value!r}")


def validate_config(config: Mapping[str, Mapping[str, Any]] | None, analyzers: Mapping[str, object],
                    *, known: Iterable[str] | None = None) -> Config:
    """Check ``config`` against the options ``analyzers`` (name → analyzer object) declare.

    Returns a new :class:`Config` with values converted to the declared types and defaults filled
    in for the analyzers that declare options. Raises :class:`ConfigError` for an unknown option,
    a wrong type, or a ``--set`` naming an analyzer that is not installed (``known`` lists every
    installed analyzer; sections for analyzers from files are ignored when not installed, since a
    shared ``pyproject.toml`` may configure plugins this environment lacks).
    """
    config = config or {}
    sources = getattr(config, "sources", {})
    known = set(known if known is not None else analyzers)
    out = Config()
    for analyzer, options in config.items():
        if not isinstance(options, Mapping):
            raise ConfigError(f"configuration for analyzer {analyzer!r} must be a mapping of options, "
                              f"got {options!r}")
        if analyzer not in known:
            origin = {sources.get((analyzer, k)) for k in options}
            if "--set" in origin:
                raise ConfigError(f"--set {analyzer}.…: no analyzer named {analyzer!r}; "
                                  f"installed: {', '.join(sorted(known)) or '(none)'}")
        out[analyzer] = dict(options)
        for key in options:
            out.sources[(analyzer, key)] = sources.get((analyzer, key), "configuration")
    for name, analyzer in analyzers.items():
        declared = declared_options(analyzer)
        if declared is None:
            continue
        given = out.get(name, {})
        for key, value in given.items():
            where = sources.get((name, key), "configuration")
            if key not in declared:
                raise ConfigError(
                    f"{where}: unknown option {key!r} for analyzer {name!r}; "
                    f"it accepts: {', '.join(sorted(declared)) or '(no options)'}")
            try:
                given[key] = declared[key].check(value)
            except ValueError as e:
                raise ConfigError(f"{where}: option {name}.{key}: {e}") from None
        for key, option in declared.items():
            if key not in given:
                default = option.default
                given[key] = list(default) if isinstance(default, list) else \
                    dict(default) if isinstance(default, dict) else default
        out[name] = given
    return out


def describe_options(analyzer: object) -> list[tuple[str, str, Any, str]]:
    """``(name, type, default, help)`` rows for documentation and ``kzmedia plugins``."""
    declared = declared_options(analyzer) or {}
    return [(k, o.type.__name__, o.default, o.help) for k, o in sorted(declared.items())]


# --------------------------------------------------------------------------------------------
# Command-line wiring (used by the sub-commands that build a Pipeline)
# --------------------------------------------------------------------------------------------

def add_config_arguments(parser) -> None:
    """Add ``--set ANALYZER.OPTION=VALUE`` (repeatable) to an argparse parser."""
    parser.add_argument("--set", action="append", default=None, metavar="ANALYZER.OPTION=VALUE",
                        dest="set_options",
                        help="set an analyzer option, e.g. sanctions.negation_window=5 (overrides "
                             "kzmedia.toml / [tool.kzmedia] in pyproject.toml)")


def cli_config(set_values: Iterable[str] | None = None, cwd: str | os.PathLike | None = None) -> Config:
    """What the CLI passes as ``Pipeline(config=...)``: the configuration file in force for
    ``cwd``, overridden option by option by ``--set`` values."""
    return merge_configs(load_config(cwd), parse_set_options(set_values))
