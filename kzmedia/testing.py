"""Helpers for testing a kzmedia plugin in isolation.

Use them from plain test functions::

    from kzmedia.testing import assert_valid_findings, make_pipeline, marked_document
    import my_plugin

    def test_flags_sanctions():
        pipeline = make_pipeline(my_plugin)          # only my_plugin (and the core's lemmatizer)
        doc, spans = marked_document("Против банка ввели [[санкции]].")
        analysis = pipeline.analyze(doc)
        findings = assert_valid_findings(doc, analysis)
        assert [(f.start, f.end) for f in findings] == spans

or through the pytest fixtures this module provides (it is registered as a pytest plugin by
kzmedia's ``pytest11`` entry point, so the fixtures are available in any project that has
kzmedia installed): ``kzmedia_pipeline``, ``kzmedia_plugin_manager``, ``kzmedia_document``.

Nothing here reads the environment: ``KZMEDIA_PLUGINS`` and ``KZMEDIA_DISABLE`` are ignored and
no entry point is loaded, so a test sees exactly the plugins it names.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import re
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pluggy

from .document import Document, Finding
from .hookspecs import hookimpl
from .pipeline import Analysis, Pipeline
from .plugins import make_plugin_manager

__all__ = ["analyzer_plugin", "assert_valid_findings", "hook_plugin", "make_document", "make_pipeline",
           "make_plugin_manager_for", "marked_document", "iter_spans", "write_distribution"]


class _AnalyzerPlugin:
    """Registers the analyzers it holds (module level, so that it pickles for ``spawn`` workers
    whenever the analyzers do)."""

    def __init__(self, analyzers: tuple, name: str):
        self.analyzers = analyzers
        self.__name__ = name

    @hookimpl
    def kzmedia_register_analyzers(self, register):
        for analyzer in self.analyzers:
            register(analyzer)


def analyzer_plugin(*analyzers: object, name: str | None = None) -> object:
    """A plugin object registering the given analyzer objects (no module or entry point needed)."""
    return _AnalyzerPlugin(analyzers, name or "test:" + ",".join(str(getattr(a, "name", a)) for a in analyzers))


class _HookPlugin:
    def __init__(self, name: str, hooks: Mapping[str, Any]):
        self.__name__ = name
        for hook, function in hooks.items():
            setattr(self, hook, hookimpl(function))


def hook_plugin(*, name: str | None = None, **hooks: Any) -> object:
    """A plugin object from plain functions, one per hook it implements, named after the hook::

        def tables(register):
            register("words", lambda analysis: [{"words": analysis["document"]["words"]}])

        pm = make_plugin_manager_for(hook_plugin(kzmedia_register_tables=tables))

    A name that is not a kzmedia hook is refused (a misspelt hook would otherwise do nothing).
    """
    from . import hookspecs

    unknown = sorted(h for h in hooks if not (h.startswith("kzmedia_") and hasattr(hookspecs, h)))
    if unknown:
        raise ValueError(f"not kzmedia hooks: {', '.join(unknown)}")
    return _HookPlugin(name or "test:" + ",".join(sorted(hooks)), hooks)


def _as_plugin(obj: object) -> object:
    # an analyzer (has analyze, no hook) is wrapped; modules, classes with hookimpls pass through
    has_hooks = any(n.startswith("kzmedia_") for n in dir(obj))
    if not has_hooks and callable(getattr(obj, "analyze", None)):
        return analyzer_plugin(obj)
    return obj


def make_plugin_manager_for(*plugins: object, core: bool = True) -> pluggy.PluginManager:
    """A fresh plugin manager holding only ``plugins`` (modules, plugin objects, or bare analyzer
    objects) and, with ``core``, the core's default plugins (the Russian lemmatizer, readers,
    exporters). No entry point is loaded; the environment is ignored."""
    pm = make_plugin_manager(load_entrypoints=False, use_env=False,
                             plugins=[_as_plugin(p) for p in plugins])
    if not core:
        from .plugins import DEFAULT_PLUGINS, ESSENTIAL_PLUGINS
        for name in DEFAULT_PLUGINS:
            if name not in ESSENTIAL_PLUGINS and pm.get_plugin(name) is not None:
                pm.unregister(name=name)
    return pm


def make_pipeline(*plugins: object, analyzers: Iterable[str] | None = None, strict: bool = True,
                  config: Mapping[str, Mapping[str, Any]] | None = None, **kwargs) -> Pipeline:
    """A :class:`kzmedia.Pipeline` over only ``plugins``. ``strict`` defaults to ``True`` here so
    an exception in your analyzer fails the test with its traceback instead of becoming an
    error entry."""
    pm = make_plugin_manager_for(*plugins)
    return Pipeline(analyzers, strict=strict, config=config, plugin_manager=pm, **kwargs)


def make_document(text: str, id: str = "test", **meta: Any) -> Document:
    """A :class:`kzmedia.Document` with a fixed id (results are then reproducible)."""
    return Document.from_text(text, id=id, **meta)


_MARK = re.compile(r"\[\[(.+?)\]\]", re.S)


def marked_document(marked: str, id: str = "test", **meta: Any) -> tuple[Document, list[tuple[int, int]]]:
    """Build a document from text with ``[[...]]`` around the spans you expect to be found.

    Returns the document (brackets removed) and the expected ``(start, end)`` spans in order::

        doc, spans = marked_document("ЕС ввёл [[новые санкции]] против банка.")
        doc.text[spans[0][0]:spans[0][1]] == "новые санкции"
    """
    parts, spans, pos, out_len = [], [], 0, 0
    for m in _MARK.finditer(marked):
        before = marked[pos:m.start()]
        parts.append(before)
        out_len += len(before)
        inner = m.group(1)
        spans.append((out_len, out_len + len(inner)))
        parts.append(inner)
        out_len += len(inner)
        pos = m.end()
    parts.append(marked[pos:])
    return make_document("".join(parts), id=id, **meta), spans


def write_distribution(directory: str | os.PathLike, name: str, modules: Mapping[str, str], *,
                       entry_points: Mapping[str, str] | None = None, version: str = "1.0",
                       group: str = "kzmedia") -> Path:
    """Write a minimal installed distribution into ``directory`` (a ``sys.path`` entry).

    ``modules`` maps module names to source code; ``entry_points`` maps entry-point names to
    module names (default: one per module). Put ``directory`` on ``sys.path`` (or
    ``PYTHONPATH`` for a subprocess) and kzmedia discovers the plugin exactly as if it had been
    pip-installed: the way to test entry-point loading without building a wheel.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for module, source in modules.items():
        (directory / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = directory / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
                                   encoding="utf-8")
    eps = entry_points if entry_points is not None else {m: m for m in modules}
    lines = [f"[{group}]"] + [f"{k} = {v}" for k, v in eps.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (info / "top_level.txt").write_text("\n".join(modules) + "\n", encoding="utf-8")
    importlib.invalidate_caches()
    return directory


# --------------------------------------------------------------------------------------------
# Assertions
# --------------------------------------------------------------------------------------------

def iter_spans(value: Any, path: str = "$"):
    """Yield ``(json_path, mapping)`` for every mapping with integer ``start`` and ``end`` inside a
    JSON-like result (findings may be nested anywhere: ``frames.x.evidence[3]``)."""
    if isinstance(value, Mapping):
        if isinstance(value.get("start"), int) and isinstance(value.get("end"), int):
            yield path, value
        for k, v in value.items():
            yield from iter_spans(v, f"{path}.{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from iter_spans(v, f"{path}[{i}]")


def _check_span(text: str, where: str, start: int, end: int, quoted: str | None) -> None:
    assert 0 <= start < end <= len(text), (
        f"{where}: span {start}..{end} is not inside the document (0..{len(text)}) or is empty")
    if quoted is not None:
        assert text[start:end] == quoted, (
            f"{where}: text {quoted!r} != document text[{start}:{end}] {text[start:end]!r}")


def assert_valid_findings(document: Document, result_or_analysis: Any, *,
                          allow_errors: bool = False) -> list[Finding]:
    """Check the span invariants of an analyzer's output and return its findings.

    Accepts an :class:`kzmedia.Analysis`, one analyzer's result (a dict, or an object with
    ``to_dict()`` and/or ``findings()``), or a list of :class:`kzmedia.Finding`. Checks that:

    * the analysis has no errors (unless ``allow_errors``) and belongs to ``document``;
    * the result is JSON-serialisable;
    * every finding, and every mapping with integer ``start``/``end`` anywhere in the result,
      satisfies ``0 <= start < end <= len(text)`` and, when it quotes ``text``,
      ``document.text[start:end] == text``;
    * labels are non-empty strings and scores, when present, are finite numbers.

    Raises ``AssertionError`` naming the offending path; returns the findings in text order.
    """
    text = document.text
    findings: list[Finding] = []
    payloads: list[tuple[str, Any]] = []
    if isinstance(result_or_analysis, Analysis):
        analysis = result_or_analysis
        if not allow_errors:
            assert not analysis.errors, f"the analysis has errors: {analysis.errors}"
        if analysis.document is not None:
            assert analysis.document.text == text, "the analysis is of another document"
        data = analysis.to_dict()
        payloads.append(("$", data))
        findings = analysis.findings
    elif isinstance(result_or_analysis, (list, tuple)) and all(isinstance(f, Finding) for f in result_or_analysis):
        findings = list(result_or_analysis)
    else:
        raw = result_or_analysis
        data = raw.to_dict() if hasattr(raw, "to_dict") else raw
        assert isinstance(data, Mapping), f"a result must be a mapping or have to_dict(), got {type(raw).__name__}"
        payloads.append(("$", data))
        if callable(getattr(raw, "findings", None)):
            findings = list(raw.findings())
        else:
            findings = [Finding(str(d.get("analyzer", "?")), str(d.get("label") or "?"), d["start"], d["end"],
                                d["text"], d.get("score"))
                        for d in data.get("findings", ()) if isinstance(d, Mapping) and "text" in d
                        and isinstance(d.get("start"), int) and isinstance(d.get("end"), int)
                        and 0 <= d["start"] < d["end"] and len(d["text"]) == d["end"] - d["start"]]
    for where, data in payloads:
        try:
            json.dumps(data, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise AssertionError(f"{where}: result is not JSON-serialisable: {e}") from None
        for path, span in iter_spans(data, where):
            quoted = span.get("text") if isinstance(span.get("text"), str) else None
            _check_span(text, path, span["start"], span["end"], quoted)
    for k, f in enumerate(findings):
        where = f"finding #{k} ({f.analyzer}/{f.label})"
        assert isinstance(f.label, str) and f.label, f"{where}: empty label"
        _check_span(text, where, f.start, f.end, f.text)
        if f.score is not None:
            assert isinstance(f.score, (int, float)) and math.isfinite(f.score), f"{where}: score {f.score!r}"
    return sorted(findings, key=lambda f: (f.start, f.end, f.analyzer, f.label))


# --------------------------------------------------------------------------------------------
# pytest fixtures (registered through the ``pytest11`` entry point named ``kzmedia``)
# --------------------------------------------------------------------------------------------

try:
    import pytest
except ImportError:  # pragma: no cover - the helpers above work without pytest
    pytest = None

if pytest is not None:
    @pytest.fixture
    def kzmedia_plugin_manager():
        """Factory: ``kzmedia_plugin_manager(my_plugin, ...)`` → a fresh, isolated plugin manager."""
        return make_plugin_manager_for

    @pytest.fixture
    def kzmedia_pipeline():
        """Factory: ``kzmedia_pipeline(my_plugin, config={...})`` → a strict pipeline over only
        those plugins."""
        return make_pipeline

    @pytest.fixture
    def kzmedia_document():
        """Factory: ``kzmedia_document("текст", **meta)`` → a Document with id ``"test"``."""
        return make_document
