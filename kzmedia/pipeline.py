"""Running analyzers over documents: :class:`Pipeline` (built once, applied to many) and :func:`analyze`.

An analyzer that raises on a document is recorded as an error on that document's
:class:`Analysis` and the other analyzers still run (``strict=True`` raises instead). A document
that could not be read or is empty becomes an :class:`Analysis` with an input error, so no
result is silently dropped from a corpus run.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import pluggy

from .analysis import Analysis, FailedDocument
from .decoding import has_surrogates
from .document import Document
from .errors import AnalyzerError, DocumentError, KzmediaError, PluginError
from .lexicon import Lexicon
from .morphology import use_lemmatizers_of
from .plugins import (Registration, collect, collect_analyzers, describe_plugins, make_plugin_manager,
                      plugin_manager_from_description)
from .protocol import Produces, check_requires, produces_of, run_order, with_requirements
from .results import result_views
from .validation import InvalidResult, check_result

__all__ = ["Analysis", "DEFAULT_TIMEOUT", "FailedDocument", "Pipeline", "SetupContext", "analyze"]

#: seconds one analyzer may spend on one document before it is stopped (``--timeout``; 0: none)
DEFAULT_TIMEOUT = 300.0


class AnalyzerTimeout(BaseException):
    """Raised inside an analyzer that ran over its time limit (a BaseException, so that an
    analyzer's own ``except Exception`` cannot swallow it)."""


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Interrupt the block after ``seconds`` (SIGALRM timer: the main thread of a POSIX process —
    a serial run and every ``--jobs`` worker; elsewhere, e.g. Dask threads, no limit)."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise AnalyzerTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@attrs.frozen
class SetupContext:
    """What an analyzer's optional ``setup(context)`` receives once, before the first document.

    ``lexicons(name)`` returns the extra lexicons other plugins or the user registered for the
    analyzer ``name``; ``options(name)`` its configuration mapping (from ``Pipeline(config=...)``).
    """

    plugin_manager: pluggy.PluginManager
    config: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    extra_lexicons: Mapping[str, Sequence[Lexicon]] = attrs.field(factory=dict)

    def lexicons(self, analyzer: str) -> list[Lexicon]:
        return list(self.extra_lexicons.get(analyzer, ()))

    def options(self, analyzer: str) -> dict[str, Any]:
        return dict(self.config.get(analyzer, {}))


class Pipeline:
    """A reusable set of analyzers, built once and applied to many documents.

    ``analyzers``: names to run (default: every registered analyzer); ``disabled``: plugin names
    to block; ``config``: per-analyzer options, ``{"sanctions": {"negation_window": 5}}``;
    ``plugin_manager``: bring your own (tests, embedding applications); ``timeout``: seconds one
    analyzer may spend on one document (default :data:`DEFAULT_TIMEOUT`; ``None`` or 0: no
    limit) — past it the analyzer is stopped, a ``timeout`` error recorded, and the run goes on.
    """

    def __init__(self, analyzers: Iterable[str] | None = None, *, strict: bool = False,
                 config: Mapping[str, Mapping[str, Any]] | None = None,
                 disabled: Iterable[str] = (), plugin_manager: pluggy.PluginManager | None = None,
                 extra_lexicons: Mapping[str, Sequence[Lexicon | str | os.PathLike]] | None = None,
                 timeout: float | None = DEFAULT_TIMEOUT):
        self.strict = strict
        if timeout is not None and not (timeout >= 0 and math.isfinite(timeout)):
            raise ValueError(f"timeout must be a number of seconds >= 0, got {timeout!r}")
        self.timeout = timeout or None
        self.config = {k: dict(v) for k, v in (config or {}).items()}
        self.disabled = tuple(disabled)
        self.pm = plugin_manager or make_plugin_manager(disabled=self.disabled)
        # --disable NAME takes a plugin (entry-point) name or an analyzer name
        installed = collect_analyzers(self.pm)
        registered = {n: r for n, r in installed.items() if n not in self.disabled}
        use_lemmatizers_of(self.pm)  # this pipeline's documents are tokenised by its own plugins
        if analyzers is None:
            wanted = list(registered)
        else:
            wanted = list(dict.fromkeys(analyzers))
            unknown = [a for a in wanted if a not in registered]
            if unknown:
                raise PluginError(f"unknown analyzer(s) {', '.join(map(repr, unknown))}; "
                                  f"available: {', '.join(sorted(registered)) or '(none)'}")
        self._requested = None if analyzers is None else tuple(wanted)
        # what each analyzer requires is checked before any setup runs (kzmedia.protocol); an
        # analyzer runs after those it requires, which is the given order unless a requirement moves it
        needs = check_requires({n: registered[n].value for n in wanted}, installed,
                               lemmatizers=lambda: bool(collect(self.pm, "kzmedia_register_lemmatizers")))
        #: analyzer name → the analyzers whose results it receives (``analyze(document, results=…)``)
        self.requires: dict[str, tuple[str, ...]] = needs
        self.registrations: dict[str, Registration] = {n: registered[n] for n in run_order(needs)}
        self.analyzers = {n: r.value for n, r in self.registrations.items()}
        self.views = result_views(self.analyzers)
        # options the analyzers declare are type-checked here, with errors naming file/option
        from .config import ConfigError, validate_config
        self.config = validate_config(config, self.analyzers, known=registered)
        self._extra_lexicon_args = {k: list(v) for k, v in (extra_lexicons or {}).items()}
        misspelt = [k for k in self._extra_lexicon_args if k not in registered]
        if misspelt:  # a lexicon nobody reads would be a silent no-op
            raise ConfigError(f"--lexicon {misspelt[0]}=…: no analyzer named {misspelt[0]!r}; "
                              f"installed: {', '.join(sorted(registered)) or '(none)'}")
        lexicons = self._collect_lexicons(self._extra_lexicon_args)
        self.context = SetupContext(self.pm, self.config, lexicons)
        for name, analyzer in self.analyzers.items():
            setup = getattr(analyzer, "setup", None)
            if callable(setup):
                try:
                    setup(self.context)
                except KzmediaError:
                    raise
                except Exception as e:
                    raise PluginError(f"analyzer {name!r} failed in setup: {type(e).__name__}: {e} "
                                      f"(nothing was analysed; leave it out with --disable {name})") from e
        #: analyzer name → what it declares it produces (``None``: undeclared), read after setup
        self.produces: dict[str, Produces | None] = {n: produces_of(n, a) for n, a in self.analyzers.items()}

    def _collect_lexicons(self, extra) -> dict[str, list[Lexicon]]:
        out: dict[str, list[Lexicon]] = {}

        def add(lexicon, analyzer):
            if not isinstance(lexicon, Lexicon):
                lexicon = Lexicon.load(lexicon)
            out.setdefault(analyzer, []).append(lexicon)

        for plugin, args, kw in collect(self.pm, "kzmedia_register_lexicons"):
            lexicon = args[0] if args else kw.get("lexicon")
            analyzer = kw.get("analyzer", args[1] if len(args) > 1 else None)
            if lexicon is None or not analyzer:
                raise PluginError(f"plugin {plugin!r}: register(lexicon, analyzer=NAME) needs both")
            add(lexicon, analyzer)
        for analyzer, items in extra.items():
            for lexicon in items:
                add(lexicon, analyzer)
        return out

    # -- running ----------------------------------------------------------------------------
    def analyze(self, document: Document | str | FailedDocument, *,
                only: Iterable[str] | None = None) -> Analysis:
        """Run every analyzer on one document (a string is wrapped with :meth:`Document.from_text`).

        ``only``: run just these of the pipeline's analyzers (the results store recomputes only
        the analyzers whose version changed).
        """
        if isinstance(document, FailedDocument):
            return Analysis.failure(document.id, document.reason, meta=document.meta)
        if isinstance(document, str):
            document = Document.from_text(document)
        if has_surrogates(document.text):  # readers repair them; a Document built by hand may not
            return Analysis.failure(document.id, "the text contains a lone surrogate (not writable as UTF-8); "
                                    "repair it with kzmedia.decoding.repair_surrogates", meta=document.meta)
        if not document.text.strip():
            if self.strict:
                raise DocumentError("document is empty", source=document.id)
            return Analysis.failure(document.id, "document is empty (no text to analyse)",
                                    meta=document.meta, document=document)
        results: dict[str, Any] = {}
        versions: dict[str, str] = {}
        errors: list[dict] = []
        if only is not None:
            only = with_requirements(only, self.requires)
        for name, analyzer in self.analyzers.items():
            if only is not None and name not in only:
                continue
            needs = self.requires.get(name)
            if needs:
                missing = [dep for dep in needs if dep not in results]
                if missing:
                    errors.append({"document": document.id, "analyzer": name, "stage": "requires",
                                   "message": f"analyzer {name!r} requires the result of {missing[0]!r}, "
                                              f"which failed on this document"})
                    continue
            try:
                with _time_limit(self.timeout):
                    if needs:
                        result = analyzer.analyze(document, results={dep: _json_result(results[dep])
                                                                     for dep in needs})
                    else:
                        result = analyzer.analyze(document)
            except AnalyzerTimeout:
                message = (f"analyzer {name!r} ran over the {self.timeout:g} s time limit on document "
                           f"{document.id!r} and was stopped (--timeout SECONDS raises it)")
                if self.strict:
                    raise AnalyzerError(name, document.id, TimeoutError(message)) from None
                errors.append({"document": document.id, "analyzer": name, "stage": "timeout", "message": message})
                continue
            except (Exception, SystemExit) as e:  # a plugin's sys.exit() must not end a corpus run
                if self.strict:
                    raise AnalyzerError(name, document.id, e) from e
                errors.append({"document": document.id, "analyzer": name, "stage": "analyze",
                               "message": f"{type(e).__name__}: {e}"})
                continue
            try:  # the one check of what an analyzer returns (kzmedia.validation)
                check_result(name, document, result)
            except InvalidResult as e:
                if self.strict:
                    raise
                errors.append({"document": document.id, "analyzer": name, "stage": "validate",
                               "message": str(e)})
                continue
            results[name] = result
            versions[name] = str(analyzer.version)
        return Analysis(document, results, versions, errors, views=self.views)

    def analyze_many(self, documents: Iterable[Document | str | FailedDocument], *, n_jobs: int = 1,
                     ordered: bool = True, batch_size: int = 16,
                     mp_context: str | None = None) -> Iterator[Analysis]:
        """Analyse a stream of documents lazily (a generator: memory stays flat).

        ``n_jobs > 1`` runs in worker processes (see :mod:`kzmedia.parallel`).
        """
        if n_jobs == 1:
            for doc in documents:
                yield self.analyze(doc)
            return
        from .parallel import analyze_parallel

        yield from analyze_parallel(self, documents, n_jobs=n_jobs, ordered=ordered,
                                    batch_size=batch_size, mp_context=mp_context)

    def spec(self) -> dict:
        """Plain data from which a worker process rebuilds an equivalent pipeline."""
        return {"analyzers": self._requested, "strict": self.strict, "config": self.config, "timeout": self.timeout,
                "disabled": self.disabled, "plugins": describe_plugins(self.pm),
                "extra_lexicons": {k: [v if isinstance(v, Lexicon) else os.fspath(v) for v in vs]
                                   for k, vs in self._extra_lexicon_args.items()}}

    @classmethod
    def from_spec(cls, spec: Mapping) -> "Pipeline":
        pm = None
        if spec.get("plugins") is not None:  # the exact plugin set of the pipeline described
            pm = plugin_manager_from_description(spec["plugins"])
        return cls(spec["analyzers"], strict=spec["strict"], config=spec["config"],
                   disabled=spec["disabled"], extra_lexicons=spec["extra_lexicons"],
                   plugin_manager=pm, timeout=spec.get("timeout", DEFAULT_TIMEOUT))

    @property
    def versions(self) -> dict[str, str]:
        return {n: str(a.version) for n, a in self.analyzers.items()}


def _json_result(raw) -> dict:
    """What an analyzer that requires another receives of its result: the JSON form."""
    return raw.to_dict() if hasattr(raw, "to_dict") else dict(raw)


_pipelines: dict[tuple, Pipeline] = {}


def analyze(text_or_document: str | Document, analyzers: Iterable[str] | None = None) -> Analysis:
    """Analyse one text with the installed analyzers (a cached :class:`Pipeline` per process)."""
    key = (os.getpid(), tuple(analyzers) if analyzers is not None else None)
    pipe = _pipelines.get(key)
    if pipe is None:
        pipe = _pipelines[key] = Pipeline(analyzers)
    return pipe.analyze(text_or_document)
