"""``kzmedia plugins``: which plugins are loaded, from which distribution, with which hooks; and,
with ``--analyzer NAME``, what one analyzer declares (requires, produces, options, data versions)
— the same for a built-in and a third-party analyzer, so a plugin author sees what the core sees."""

from __future__ import annotations

import json
import sys

from ..config import describe_options
from ..errors import KzmediaError
from ..plugins import collect_analyzers, list_plugins, make_plugin_manager
from ..protocol import data_versions, produces_of, requires_of, with_requirements
from . import split_names


def add_parser(sub):
    p = sub.add_parser("plugins", help="list plugins, their versions and hooks")
    p.add_argument("--hooks", action="store_true", help="show which plugin implements which hook")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--disable", action="append", metavar="NAME", help="block plugins by name")
    p.add_argument("--analyzer", metavar="NAME",
                   help="show what one analyzer declares: requires, produces, options, data versions")
    return p


def describe_analyzer(name: str, regs: dict, pm) -> dict:
    """What the core knows of an analyzer from its declarations (``kzmedia.protocol``), read from a
    Pipeline built with it (and the analyzers it requires), so ``setup`` has run as in a real run."""
    from ..pipeline import Pipeline

    needs = {n: [r for r in requires_of(n, reg.value) if r in regs] for n, reg in regs.items()}
    analyzer = Pipeline(sorted(with_requirements([name], needs)), plugin_manager=pm).analyzers[name]
    produces = produces_of(name, analyzer)
    return {"analyzer": name, "version": str(analyzer.version), "plugin": regs[name].plugin,
            "requires": list(requires_of(name, analyzer)),
            "produces": None if produces is None else produces.to_dict(),
            "options": [{"name": n, "type": t, "default": d, "help": h} for n, t, d, h in describe_options(analyzer)],
            "data_versions": data_versions(name, analyzer)}


def _print_analyzer(d: dict) -> None:
    print(f"{d['analyzer']}@{d['version']}  (plugin {d['plugin']})")
    print(f"  requires: {', '.join(d['requires']) or '-'}")
    if d["produces"] is None:
        print("  produces: not declared (any kind and label is accepted)")
    else:
        print("  produces:")
        for kind, labels in d["produces"].items():
            shown = "any label" if labels is None else (", ".join(labels) or "none")
            print(f"    {kind}: {shown}")
    print("  options:" if d["options"] else "  options: -")
    for o in d["options"]:
        print(f"    {o['name']} ({o['type']}, default {o['default']!r}): {o['help']}")
    print("  data versions:" if d["data_versions"] else "  data versions: -")
    for k, v in d["data_versions"].items():
        print(f"    {k}: {v}")


def run(args) -> int:
    pm = getattr(args, "plugin_manager", None) or make_plugin_manager(disabled=split_names(args.disable) or ())
    rows = list_plugins(pm)
    analyzers = {name: reg for name, reg in collect_analyzers(pm).items()}
    if args.analyzer:
        if args.analyzer not in analyzers:
            print(f"kzmedia plugins: no analyzer named {args.analyzer!r}; installed: {', '.join(sorted(analyzers))}",
                  file=sys.stderr)
            return 2
        try:
            desc = describe_analyzer(args.analyzer, analyzers, pm)
        except KzmediaError as e:
            print(f"kzmedia plugins: {e}", file=sys.stderr)
            return 1
        if args.json:
            print(json.dumps(desc, ensure_ascii=False, indent=2, default=str))
        else:
            _print_analyzer(desc)
        return 0
    if args.json:
        out = [dict(r.to_dict(), analyzers=sorted(n for n, reg in analyzers.items() if reg.plugin == r.name))
               for r in rows]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if args.hooks:
        by_hook: dict[str, list[str]] = {}
        for r in rows:
            for h in r.hooks:
                by_hook.setdefault(h, []).append(r.name)
        for hook in sorted(by_hook):
            print(hook)
            for name in by_hook[hook]:
                print(f"    {name}")
        return 0
    width = max([len(r.name) for r in rows] + [6])
    print(f"{'plugin':<{width}}  {'version':<9}  {'distribution':<14}  analyzers / hooks")
    for r in rows:
        mine = sorted(f"{n}@{reg.value.version}" for n, reg in analyzers.items() if reg.plugin == r.name)
        what = ", ".join(mine) if mine else ", ".join(h.replace("kzmedia_", "") for h in r.hooks)
        print(f"{r.name:<{width}}  {r.version or '-':<9}  {r.distribution or '-':<14}  {what}")
    return 0
