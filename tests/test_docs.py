"""The documentation cannot drift: the site builds with warnings as errors, every code example in
``docs/*.md`` runs, and every hook in ``kzmedia/hookspecs.py`` is documented under its signature.

Conventions for writing examples (also stated in ``docs/index.md``):

* a ```` ```python ```` block is executed; the blocks of one page run in order in one namespace,
  in a scratch directory where ``examples/`` and ``docs/`` point into the repository;
* in a ```` ```console ````, ```` ```bash ```` or ```` ```sh ```` block every ``kzmedia …`` command
  (with or without a leading ``$ ``) is run there too and must exit 0 — or the code given by a
  trailing ``# exit N`` comment; other commands (``pip``, ``python -m venv``…) are not run;
* ```` ```{.python .no-run} ```` (or ``.console``/``.bash`` with ``.no-run``) marks the few
  examples that cannot run in a test (network, a corpus you do not have): keep them rare.
"""

from __future__ import annotations

import inspect
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kzmedia.hookspecs

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
SHARED = REPO.parent / "shared"  # the shared data sets: beside the repository in CI, absent in a user's clone
PAGES = sorted(DOCS.glob("*.md"))

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$",
                   re.M | re.S)
HINT = ("(docs examples run in a scratch directory where examples/ and docs/ are the repository's; "
        "use those files or create what you need in the example; fence a block that cannot run in a "
        "test as {.python .no-run} or {.console .no-run}; a command expected to fail ends in '# exit N')")
SHELL = {"console", "bash", "sh", "shell"}
PYTHON = {"python", "py", "python3"}


def parse_info(info: str) -> tuple[str, set[str]]:
    """``python`` → ('python', {}); ``{.python .no-run}`` → ('python', {'no-run'})."""
    info = info.strip()
    if info.startswith("{") and info.endswith("}"):
        classes = [c[1:] for c in info[1:-1].split() if c.startswith(".")]
        return (classes[0] if classes else ""), set(classes[1:])
    return (info.split()[0] if info else ""), set()


def code_blocks_of(text: str):
    """``(kind, flags, code, line)`` for every fenced block of a Markdown text, in order."""
    for m in FENCE.finditer(text):
        lang, flags = parse_info(m.group("info"))
        indent = m.group("indent")
        body = "\n".join(line[len(indent):] if line.startswith(indent) else line
                         for line in m.group("body").splitlines())
        yield lang, flags, body, text.count("\n", 0, m.start()) + 1


def code_blocks(page: Path):
    return code_blocks_of(page.read_text(encoding="utf-8"))


def shell_commands(body: str):
    """Yield ``(command, expected_exit)`` for each ``kzmedia`` command in a shell block."""
    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith("$ "):
            line = line[2:].strip()
        if not line.startswith("kzmedia ") and line != "kzmedia":
            continue
        expected = 0
        m = re.search(r"#\s*exit\s+(\d+)\s*$", line)
        if m:
            expected = int(m.group(1))
        line = re.sub(r"\s+#.*$", "", line)
        yield line, expected


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """A working directory for examples: examples/ and docs/ point into the repository."""
    for name in ("examples", "docs"):
        (tmp_path / name).symlink_to(REPO / name, target_is_directory=True)
    if SHARED.exists():  # examples may say ../shared/... as they would in a checkout
        (tmp_path.parent / "shared").exists() or (tmp_path.parent / "shared").symlink_to(SHARED)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KZMEDIA_PLUGINS", raising=False)
    monkeypatch.delenv("KZMEDIA_DISABLE", raising=False)
    monkeypatch.delenv("KZMEDIA_CONFIG", raising=False)
    return tmp_path


def run_shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    argv = shlex.split(command)
    if any(tok in ("|", ">", "<", "&&", ";") for tok in argv):
        return subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=600)
    kz = shutil.which("kzmedia", path=env["PATH"])
    cmd = [kz] + argv[1:] if kz else [sys.executable, "-m", "kzmedia"] + argv[1:]
    # expand globs the way a shell would
    import glob as _glob
    expanded = []
    for tok in cmd:
        matches = sorted(_glob.glob(tok, root_dir=cwd)) if any(c in tok for c in "*?[") else []
        expanded.extend(matches or [tok])
    return subprocess.run(expanded, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_code_examples_run(page, scratch):
    namespace = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    ran = 0
    needs_shared = []  # examples that read ../shared, left out when it is absent (a user's clone)
    for lang, flags, body, line in code_blocks(page):
        if "no-run" in flags:
            continue
        where = f"{page.relative_to(REPO)}:{line}"
        if "../shared" in body and not SHARED.exists():
            needs_shared.append(where)
            continue
        if lang in PYTHON:
            code = compile(body, where, "exec")
            try:
                exec(code, namespace)
            except Exception as e:
                raise AssertionError(f"the python example at {where} failed: {type(e).__name__}: {e}\n{HINT}") from e
            ran += 1
        elif lang in SHELL:
            for command, expected in shell_commands(body):
                done = run_shell(command, scratch)
                assert done.returncode == expected, (
                    f"{where}: `{command}` exited {done.returncode}, expected {expected}\n"
                    f"stdout: {done.stdout[-1500:]}\nstderr: {done.stderr[-1500:]}\n{HINT}")
                ran += 1
    if needs_shared:
        pytest.skip(f"{SHARED} is absent: the example(s) at {', '.join(needs_shared)} read the shared data "
                    f"sets, which sit beside the repository only in CI and developer checkouts "
                    f"(the page's other {ran} example(s) ran and passed)")
    if page.name in ("index.md",):
        return
    # a page that shows code should run at least something of it
    shown = sum(1 for lang, flags, body, _ in code_blocks(page)
                if lang in PYTHON or (lang in SHELL and list(shell_commands(body))))
    assert shown == 0 or ran > 0, f"{page.name}: every example is marked no-run"


def hook_signatures() -> dict[str, str]:
    out = {}
    for name, fn in inspect.getmembers(kzmedia.hookspecs, inspect.isfunction):
        if name.startswith("kzmedia_") and hasattr(fn, "kzmedia_spec"):
            out[name] = f"{name}{inspect.signature(fn)}"
    return out


def test_every_hook_is_documented_with_its_signature():
    text = (DOCS / "hooks.md").read_text(encoding="utf-8")
    headings = [h.strip().strip("`").strip() for h in re.findall(r"^## (.+)$", text, re.M)]
    signatures = hook_signatures()
    assert signatures, "no hook specifications found"
    missing = [sig for sig in signatures.values() if sig not in headings]
    assert not missing, f"hooks not documented in docs/hooks.md under their exact signature: {missing}"
    # each section says what the parameters are, when it is called, and shows an example
    sections = re.split(r"^## ", text, flags=re.M)
    for sig in signatures.values():
        section = next(s for s in sections if s.startswith(sig))
        assert "**Parameters**" in section and "**When it is called.**" in section, sig
        assert "```python" in section, f"{sig}: no runnable example"
    stale = [h for h in headings if h.startswith("kzmedia_") and h not in signatures.values()]
    assert not stale, f"docs/hooks.md documents hooks that do not exist: {stale}"


def test_compatibility_policy_is_stated():
    text = (DOCS / "hooks.md").read_text(encoding="utf-8")
    assert "## Compatibility policy" in text
    assert "fewer" in text and "never breaks" in text


def test_mkdocs_build_strict(tmp_path):
    pytest.importorskip("mkdocs", reason="mkdocs is in the 'test' extra: pip install -e '.[test]'")
    pytest.importorskip("mkdocstrings", reason="mkdocstrings[python] is in the 'test' extra")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(tmp_path / "site")], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    # the API reference really is generated from the docstrings
    assert "Run every analyzer on one document" in api
    assert "Check the span invariants" in api
    hooks = (tmp_path / "site" / "hooks" / "index.html").read_text(encoding="utf-8")
    for name in hook_signatures():
        assert name in hooks


def test_nav_lists_every_page():
    import yaml

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))

    def files(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for v in node.values():
                yield from files(v)
        elif isinstance(node, list):
            for v in node:
                yield from files(v)

    listed = set(files(config["nav"]))
    assert {p.name for p in PAGES} <= listed, f"pages missing from mkdocs.yml nav: {sorted({p.name for p in PAGES} - listed)}"
    assert all((DOCS / f).exists() for f in listed), f"nav names missing files: {sorted(f for f in listed if not (DOCS / f).exists())}"


# --- the JSON Schema in docs/output.md describes real outputs ---------------------------------

def _validate(value, schema, path="$"):
    """Enough of JSON Schema for the envelope: type, required, properties, additionalProperties,
    items, minimum."""
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        checks = {"object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
                  "string": lambda v: isinstance(v, str), "null": lambda v: v is None,
                  "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
                  "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
                  "boolean": lambda v: isinstance(v, bool)}
        assert any(checks[n](value) for n in names), f"{path}: {value!r} is not {types}"
    if "minimum" in schema:
        assert value >= schema["minimum"], f"{path}: {value} < {schema['minimum']}"
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            assert key in value, f"{path}: missing {key!r}"
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, v in value.items():
            if key in props:
                _validate(v, props[key], f"{path}.{key}")
            elif extra is False:
                raise AssertionError(f"{path}: unexpected key {key!r}")
            elif isinstance(extra, dict):
                _validate(v, extra, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            _validate(v, schema["items"], f"{path}[{i}]")


def test_output_schema_matches_real_outputs():
    import json

    from kzmedia import Document, Pipeline

    text = (DOCS / "output.md").read_text(encoding="utf-8")
    section = text.split("## JSON Schema", 1)[1]
    schema = json.loads(next(body for lang, _, body, _ in code_blocks_of(section) if lang == "json"))

    class Broken:
        name, version = "broken", "0"

        def analyze(self, document):
            raise RuntimeError("no model")

    from kzmedia.testing import make_pipeline
    outputs = [a.to_dict() for a in (
        Pipeline().analyze(Document.from_text("Астана и Москва обсудили санкции и транзит.", id="x")),
        Pipeline().analyze(Document.from_text("", id="empty")),
        make_pipeline(Broken(), strict=False).analyze("Текст."),
    )]
    for data in outputs:
        _validate(json.loads(json.dumps(data, ensure_ascii=False)), schema)
    assert outputs[1]["errors"][0]["stage"] == "input" and outputs[2]["errors"][0]["stage"] == "analyze"
    # and the example on the page has the shape it describes
    example = json.loads(next(body for lang, _, body, _ in code_blocks_of(text) if lang == "json"))
    _validate(example, schema)

