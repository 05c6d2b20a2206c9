"""The plugin manager: entry-point discovery, default plugins, enable/disable, listing.

Wiring follows pluggy's own example host: create the manager, add the hook specs, block what the
user disabled, load the ``kzmedia`` entry-point group (the built-in analyzers live there too, like
any third-party plugin), register the core's default plugins, then ``check_pending()`` so a
misspelt hook name fails loudly.

Which plugins load is deterministic: ``KZMEDIA_PLUGINS`` (comma-separated entry-point names;
set but empty = none) restricts entry-point loading, ``KZMEDIA_DISABLE`` blocks names.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import sys
import inspect
import os
from collections.abc import Iterable, Mapping

import attrs
import pluggy

from . import hookspecs
from .errors import PluginError

ENTRYPOINT_GROUP = "kzmedia"
ENV_ONLY = "KZMEDIA_PLUGINS"
ENV_DISABLE = "KZMEDIA_DISABLE"

#: modules of the core registered as plugins after the entry points: they use the same hooks
DEFAULT_PLUGINS: tuple[str, ...] = (
    "kzmedia.morphology",
    "kzmedia.readers",
    "kzmedia.exporters",
)
#: default plugins that cannot be disabled (nothing works without them)
ESSENTIAL_PLUGINS = frozenset({"kzmedia.morphology"})


def _split_env(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def make_plugin_manager(*, load_entrypoints: bool = True, only: Iterable[str] | None = None,
                        disabled: Iterable[str] = (), plugins: Iterable[object] = (),
                        use_env: bool = True) -> pluggy.PluginManager:
    """A fresh plugin manager.

    ``only`` restricts entry-point plugins to these names, ``disabled`` blocks names (entry
    points or default plugins), ``plugins`` are extra objects/modules to register (tests).
    With ``use_env`` the environment variables add to both lists.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    disabled = set(disabled)
    only = set(only) if only is not None else None
    if use_env:
        disabled |= set(_split_env(ENV_DISABLE) or ())
        env_only = _split_env(ENV_ONLY)
        if env_only is not None:
            only = set(env_only) if only is None else only & set(env_only)
    for name in disabled - ESSENTIAL_PLUGINS:
        pm.set_blocked(name)
    if load_entrypoints:
        if only is not None:
            for ep in importlib.metadata.entry_points(group=ENTRYPOINT_GROUP):
                if ep.name not in only:
                    pm.set_blocked(ep.name)
        _load_entrypoints(pm)
    for modname in DEFAULT_PLUGINS:
        if pm.is_blocked(modname) or pm.get_plugin(modname) is not None:
            continue
        try:
            module = importlib.import_module(modname)
        except ModuleNotFoundError as e:
            if e.name == modname:  # an optional part of the core that is not there
                continue
            raise
        pm.register(module, name=modname)
    for plugin in plugins:
        pm.register(plugin)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as e:
        raise PluginError(str(e)) from e
    return pm


#: ``(entry point, distribution, reason)`` of every plugin that failed to import in this process
FAILED_PLUGINS: list[tuple[str, str, str]] = []


def _load_entrypoints(pm: pluggy.PluginManager) -> None:
    """Load the entry-point plugins; one that fails to import is skipped, named (entry point,
    distribution, error) in a one-line warning on stderr, and every other plugin still loads."""
    while True:
        try:
            pm.load_setuptools_entrypoints(ENTRYPOINT_GROUP)
            return
        except Exception:  # find which: load each remaining one alone
            bad = []
            for ep in importlib.metadata.entry_points(group=ENTRYPOINT_GROUP):
                if pm.is_blocked(ep.name) or pm.get_plugin(ep.name) is not None:
                    continue
                try:
                    ep.load()
                except Exception as e:  # noqa: BLE001 - any import-time failure
                    dist = getattr(getattr(ep, "dist", None), "name", None) or "?"
                    reason = f"{type(e).__name__}: {' '.join(str(e).split())}"
                    bad.append(ep.name)
                    pm.set_blocked(ep.name)
                    if (ep.name, dist, reason) not in FAILED_PLUGINS:
                        FAILED_PLUGINS.append((ep.name, dist, reason))
                        print(f"kzmedia: warning: plugin entry point {ep.name!r} ({ep.value}, distribution "
                              f"{dist}) failed to load and is skipped: {reason}", file=sys.stderr)
            if not bad:
                raise


_default: dict[int, pluggy.PluginManager] = {}


def default_plugin_manager() -> pluggy.PluginManager:
    """The process's shared plugin manager (rebuilt in a child process, never inherited stale)."""
    pid = os.getpid()
    pm = _default.get(pid)
    if pm is None:
        pm = _default[pid] = make_plugin_manager()
    return pm


def reset_default_plugin_manager() -> None:
    """Forget the cached manager (after installing a plugin in a running process, in tests)."""
    _default.clear()


# --------------------------------------------------------------------------------------------
# Collecting what plugins register
# --------------------------------------------------------------------------------------------

@attrs.frozen
class Registration:
    """Something a plugin registered, with the name of the plugin that registered it."""

    plugin: str
    value: object


def _plugin_name(pm: pluggy.PluginManager, impl) -> str:
    return pm.get_name(impl.plugin) or repr(impl.plugin)


def collect(pm: pluggy.PluginManager, hook_name: str, **kwargs) -> list[tuple[str, tuple, dict]]:
    """Call a ``register``-style hook plugin by plugin and return ``(plugin, args, kwargs)`` triples."""
    hook = getattr(pm.hook, hook_name)
    out: list[tuple[str, tuple, dict]] = []
    # Call implementations one at a time so each registration is attributed to its plugin, in
    # pluggy's call order: the last registered first (tryfirst/trylast respected) — the default
    # plugins, registered after the entry points, come after them unless marked otherwise.
    for impl in reversed(hook.get_hookimpls()):
        name = _plugin_name(pm, impl)

        def register(*args, _name=name, **kw):
            out.append((_name, args, kw))

        call_kwargs = {"register": register, **kwargs}
        params = impl.argnames
        try:
            impl.function(**{k: v for k, v in call_kwargs.items() if k in params})
        except Exception as e:
            raise PluginError(f"plugin {name!r} failed in {hook_name}: {type(e).__name__}: {e}") from e
    return out


def collect_analyzers(pm: pluggy.PluginManager) -> dict[str, Registration]:
    """Analyzers by name. Two analyzers with the same name are an error naming both plugins:
    disable one of them (``--disable NAME`` or ``KZMEDIA_DISABLE``) to choose."""
    found: dict[str, Registration] = {}
    for plugin, args, kw in collect(pm, "kzmedia_register_analyzers"):
        if len(args) != 1 or kw:
            raise PluginError(f"plugin {plugin!r}: register() takes exactly one analyzer object")
        analyzer = args[0]
        missing = [a for a in ("name", "version", "analyze") if not hasattr(analyzer, a)]
        if missing:
            raise PluginError(f"plugin {plugin!r} registered {analyzer!r}, which lacks {', '.join(missing)}")
        if not callable(analyzer.analyze):
            raise PluginError(f"plugin {plugin!r}: analyzer {analyzer.name!r}.analyze is not callable")
        name = str(analyzer.name)
        if name in found:
            raise PluginError(
                f"two analyzers are named {name!r}: from plugin {found[name].plugin!r} and from "
                f"plugin {plugin!r}; disable one (--disable PLUGIN or {ENV_DISABLE})"
            )
        found[name] = Registration(plugin, analyzer)
    return found


@attrs.frozen
class Command:
    """A command-line command a plugin registered (``kzmedia NAME`` or ``kzmedia GROUP NAME``)."""

    name: str
    add_arguments: object
    run: object
    help: str | None = None
    group: str | None = None
    plugin: str = ""


def collect_commands(pm: pluggy.PluginManager) -> list[Command]:
    """Commands registered through ``kzmedia_register_commands``; a name registered twice in
    one group is an error naming both plugins."""
    found: dict[tuple, Command] = {}
    for plugin, args, kw in collect(pm, "kzmedia_register_commands"):
        try:
            cmd = Command(*args, **kw, plugin=plugin)
        except TypeError as e:
            raise PluginError(f"plugin {plugin!r}: register(name, add_arguments, run, help=None, "
                              f"group=None): {e}") from None
        if not (callable(cmd.add_arguments) and callable(cmd.run)):
            raise PluginError(f"plugin {plugin!r}: command {cmd.name!r} needs callable add_arguments and run")
        key = (cmd.group, cmd.name)
        if key in found:
            where = f"{cmd.group} {cmd.name}" if cmd.group else cmd.name
            raise PluginError(f"two plugins register the command {where!r}: {found[key].plugin!r} "
                              f"and {plugin!r}; disable one (--disable PLUGIN or {ENV_DISABLE})")
        found[key] = cmd
    return list(found.values())


@attrs.frozen
class Table:
    """A table a plugin registered (``kzmedia_register_tables``)."""

    name: str
    rows: object
    help: str | None = None
    plugin: str = ""


def collect_tables(pm: pluggy.PluginManager, reserved: Iterable[str] = ()) -> dict[str, Table]:
    """Tables registered through ``kzmedia_register_tables``, by name. A name in ``reserved``
    (the core's tables) or registered twice is an error naming the plugins."""
    found: dict[str, Table] = {}
    reserved = set(reserved)
    for plugin, args, kw in collect(pm, "kzmedia_register_tables"):
        try:
            table = Table(*args, **kw, plugin=plugin)
        except TypeError as e:
            raise PluginError(f"plugin {plugin!r}: register(name, rows, help=None): {e}") from None
        if not callable(table.rows):
            raise PluginError(f"plugin {plugin!r}: table {table.name!r} needs a callable rows(analysis)")
        if table.name in reserved:
            raise PluginError(f"plugin {plugin!r} registers the table {table.name!r}, a name of the core's; "
                              "choose another name")
        if table.name in found:
            raise PluginError(f"two plugins register the table {table.name!r}: {found[table.name].plugin!r} "
                              f"and {plugin!r}; disable one (--disable PLUGIN or {ENV_DISABLE})")
        found[table.name] = table
    return found


def collect_report_panels(pm: pluggy.PluginManager) -> dict[str, list]:
    """Report panels registered through ``kzmedia_register_report_panels``: analyzer name →
    its panel functions, in registration order."""
    found: dict[str, list] = {}
    for plugin, args, kw in collect(pm, "kzmedia_register_report_panels"):
        analyzer = args[0] if args else kw.get("analyzer")
        panel = args[1] if len(args) > 1 else kw.get("panel")
        if not isinstance(analyzer, str) or not callable(panel):
            raise PluginError(f"plugin {plugin!r}: register(analyzer, panel) takes an analyzer name and a "
                              "callable panel(model)")
        found.setdefault(analyzer, []).append(panel)
    return found


@attrs.frozen
class CompareSection:
    """What a plugin adds to the comparisons of one analyzer (``kzmedia_register_compare_sections``):
    ``section(comparison)`` for two texts, ``groups()`` a fresh accumulator for groups of documents."""

    analyzer: str
    section: object = None
    groups: object = None
    plugin: str = ""


def collect_compare_sections(pm: pluggy.PluginManager) -> dict[str, CompareSection]:
    """Compare sections by analyzer; a second registration for one analyzer is an error naming
    both plugins."""
    found: dict[str, CompareSection] = {}
    for plugin, args, kw in collect(pm, "kzmedia_register_compare_sections"):
        try:
            reg = CompareSection(*args, **kw, plugin=plugin)
        except TypeError as e:
            raise PluginError(f"plugin {plugin!r}: register(analyzer, section, groups=None): {e}") from None
        callables = [f for f in (reg.section, reg.groups) if f is not None]
        if not isinstance(reg.analyzer, str) or not callables or not all(map(callable, callables)):
            raise PluginError(f"plugin {plugin!r}: register(analyzer, section, groups=None) takes an analyzer "
                              "name and a callable section(comparison) and/or groups()")
        if reg.analyzer in found:
            raise PluginError(f"two plugins register a compare section for {reg.analyzer!r}: "
                              f"{found[reg.analyzer].plugin!r} and {plugin!r}; disable one "
                              f"(--disable PLUGIN or {ENV_DISABLE})")
        found[reg.analyzer] = reg
    return found


@attrs.frozen
class PluginInfo:
    """One row of ``kzmedia plugins``."""

    name: str
    version: str | None
    distribution: str | None
    hooks: tuple[str, ...]

    def to_dict(self) -> dict:
        return attrs.asdict(self)


def list_plugins(pm: pluggy.PluginManager | None = None) -> list[PluginInfo]:
    """Every registered plugin with its distribution, version and the hooks it implements."""
    pm = pm or default_plugin_manager()
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # blocked
            continue
        hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ()))
        dist = dists.get(id(plugin))
        if dist is not None:
            dist_name, version = dist.project_name, dist.version
        elif inspect.ismodule(plugin) and plugin.__name__.startswith("kzmedia."):
            from . import __version__
            dist_name, version = "kzmedia", __version__
        else:
            dist_name, version = None, getattr(plugin, "__version__", None)
        rows.append(PluginInfo(name, version, dist_name, hooks))
    return sorted(rows, key=lambda r: r.name)


# --- describing a plugin manager, so that another process (a worker) can rebuild it -------------

def describe_plugins(pm) -> dict:
    """Plain data naming every plugin ``pm`` holds: ``entrypoints`` (names), ``blocked`` (names)
    and ``extra`` (``{"module": name}`` or ``{"object": plugin, "name": name}``)."""
    from_dist = {id(plugin) for plugin, _dist in pm.list_plugin_distinfo()}
    entrypoints, blocked, extra = [], [], []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            blocked.append(name)
        elif id(plugin) in from_dist:
            entrypoints.append(name)
        elif name in DEFAULT_PLUGINS:
            continue
        elif inspect.ismodule(plugin):
            extra.append({"module": plugin.__name__, "name": name})
        else:
            extra.append({"object": plugin, "name": name})
    return {"entrypoints": entrypoints, "blocked": blocked, "extra": extra}


def plugin_manager_from_description(desc: Mapping):
    """Rebuild the plugin manager :func:`describe_plugins` described (environment ignored:
    its effect is already in the description)."""
    pm = make_plugin_manager(only=desc["entrypoints"], disabled=desc["blocked"], use_env=False)
    for item in desc["extra"]:
        if "module" in item:
            try:
                plugin = importlib.import_module(item["module"])
            except ImportError as e:
                raise PluginError(f"plugin module {item['module']!r} cannot be imported in a worker "
                                  f"process: {e}") from e
        else:
            plugin = item["object"]
        if pm.get_plugin(item["name"]) is None:
            pm.register(plugin, name=item["name"])
    return pm
