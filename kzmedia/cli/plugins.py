"""``kzmedia plugins``: which plugins are loaded, from which distribution, with which hooks."""

from __future__ import annotations

import json

from ..plugins import collect_analyzers, list_plugins, make_plugin_manager
from . import split_names


def add_parser(sub):
    p = sub.add_parser("plugins", help="list plugins, their versions and hooks")
    p.add_argument("--hooks", action="store_true", help="show which plugin implements which hook")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--disable", action="append", metavar="NAME", help="block plugins by name")
    return p


def run(args) -> int:
    pm = getattr(args, "plugin_manager", None) or make_plugin_manager(disabled=split_names(args.disable) or ())
    rows = list_plugins(pm)
    analyzers = {name: reg for name, reg in collect_analyzers(pm).items()}
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
