"""The core's import graph has no circles, and every module imports on its own.

The graph counts every import of a ``kzmedia`` module, at module level or inside a function: a
function-level import only hides a circle from the interpreter, not from a reader. The one
exception is :data:`FACADES`: convenience methods of a low-level object that hand over to a
higher layer when called (``Analysis.to_pandas`` → the tables), each imported inside the method.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kzmedia

PACKAGE = Path(kzmedia.__file__).parent


#: (module, module it imports inside a function) pairs allowed to point upward: façade methods
FACADES = {
    ("kzmedia.analysis", "kzmedia.tables"),  # Analysis.to_pandas(): one document's tables
    ("kzmedia.analysis", "kzmedia.report.inline"),  # Analysis._repr_html_(): Jupyter's inline view
    ("kzmedia.lexicon.format", "kzmedia.lexicon.loading"),  # Lexicon.load() and friends: the file readers
}


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph(mods: dict[str, Path], *, module_level_only: bool = False) -> dict[str, set[str]]:
    """Module → the kzmedia modules it imports (``from . import x`` names the submodule ``x``;
    the package ``kzmedia`` itself, imported for ``__version__``, is left out)."""
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in (tree.body if module_level_only else ast.walk(tree)):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                subs = [f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in mods]
                targets = subs if len(subs) == len(node.names) else [module, *subs]
            else:
                continue
            deps.update(t for t in targets if t in mods and t not in (name, "kzmedia"))
        graph[name] = deps
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_circle_finder_finds_a_circle_and_only_that():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_sees_function_level_and_relative_imports():
    graph = import_graph(modules())
    assert "kzmedia.pipeline" in graph["kzmedia.store"]  # module level
    assert "kzmedia.parallel" in graph["kzmedia.pipeline"]  # inside Pipeline.analyze_many
    assert "kzmedia.report.charts" in graph["kzmedia.report.render"]  # ``from . import charts``
    assert "kzmedia.report" not in graph["kzmedia.report.render"]


def test_no_import_circles_in_the_core():
    graph = import_graph(modules())
    top = import_graph(modules(), module_level_only=True)
    for module, target in FACADES:
        assert target in graph[module], f"{module} no longer imports {target}: drop it from FACADES"
        assert target not in top[module], f"{module} imports {target} at module level, not in a method"
        graph[module].discard(target)
    assert circles(graph) == []


def test_every_module_imports_first_in_a_fresh_interpreter():
    names = [n for n in modules() if not n.endswith("__main__")]
    script = (
        "import importlib, sys\n"
        "bad = []\n"
        f"for name in {names!r}:\n"
        "    for m in [m for m in sys.modules if m == 'kzmedia' or m.startswith('kzmedia.')]:\n"
        "        del sys.modules[m]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as e:\n"
        "        bad.append(f'{name}: {type(e).__name__}: {e}')\n"
        "print('\\n'.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_every_module_says_what_it_is_for():
    missing = [name for name, path in modules().items()
               if not (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").strip()]
    assert missing == []


def test_the_core_names_no_built_in_analyzer():
    """The core knows the result model only: the built-ins are named in ``pyproject.toml``'s list
    of default plugins, not in ``kzmedia/`` (code, help texts, docstrings, data, styles)."""
    import re

    names = re.compile(r"framing|actors|rhetoric", re.IGNORECASE)
    found = [f"{path.relative_to(PACKAGE.parent)}:{n}: {line.strip()}"
             for path in sorted(PACKAGE.rglob("*")) if path.is_file() and path.suffix in (".py", ".toml", ".css", ".md")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if names.search(line)]
    assert not found, "\n".join(found)
