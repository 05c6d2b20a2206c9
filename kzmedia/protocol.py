"""What an analyzer is: the :class:`Analyzer` protocol and the checks of what it declares.

Only ``name``, ``version`` and ``analyze(document)`` are required; everything else an analyzer
may declare has a default, so the README's ten-line plugin stays a plugin. What is declared is
checked once, when a :class:`kzmedia.Pipeline` is built, with errors naming the analyzer —
never per document:

* ``requires`` — what it reads: document features (:data:`DOCUMENT_FEATURES`) and other
  analyzers' results (names of analyzers; the pipeline runs them first and passes their JSON as
  ``analyze(document, results={name: result})``). Default: nothing beyond the text.
* ``produces`` — what it emits: which kinds of the result model (findings, scores,
  relations) and, where known, the finding labels, score names and relation labels
  (:class:`Produces`). Read after ``setup``, so it may depend on the lexicons. Default:
  undeclared (anything).
* ``data_versions()`` — the versions of the data files it read; the results store keeps them
  in each result's fingerprint. Default: none (the fingerprint then holds the analyzer's
  ``version``, options and extra lexicons only — the store never guesses by running it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

import attrs

from .errors import PluginError

__all__ = ["Analyzer", "DOCUMENT_FEATURES", "KINDS", "Produces", "check_requires", "data_versions",
           "produces_of", "requires_of", "run_order", "with_requirements"]

#: what a document offers an analyzer; ``morphology`` (lemmas, parts of speech) needs a
#: registered lemmatizer (``kzmedia_register_lemmatizers``)
DOCUMENT_FEATURES = ("text", "tokens", "sentences", "paragraphs", "morphology")
#: the kinds of the result model (:mod:`kzmedia.results`) an analyzer can produce
KINDS = ("findings", "scores", "relations")


@runtime_checkable
class Analyzer(Protocol):
    """What the core expects of an analyzer (only ``name``, ``version`` and ``analyze`` are required).

    Optional members the core uses when present (``docs/hooks.md``):

    * ``options`` — declared options, ``{name: kzmedia.config.Option | (type, default, help)}``;
    * ``requires`` — document features and analyzer names it reads (default ``()``);
    * ``produces`` — a :class:`Produces`, or ``{"findings": [labels] | None, "scores": …}``,
      or a list of kinds (default: undeclared);
    * ``setup(context)`` — once, before the first document;
    * ``data_versions()`` — ``{"lexicon_version": "…", …}``: the versions of the data files it
      read (a change re-analyses stored documents);
    * ``result_model(result)`` — findings, scores and relations from its own JSON;
    * ``summary(result)`` — lines for ``kzmedia analyze``'s table.
    """

    name: str
    version: str

    def analyze(self, document) -> Any: ...


def _names(value, what: str, analyzer: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise PluginError(f"analyzer {analyzer!r}: {what} must be a list of names, got {value!r}")
    return tuple(dict.fromkeys(value))


@attrs.frozen
class Produces:
    """What an analyzer emits: ``kinds`` maps each kind it produces (``findings``, ``scores``,
    ``relations``) to the names it uses — finding labels, score names, relation labels — or to
    ``None`` when they are not known in advance (an actor per gazetteer entry, say). A kind that
    is absent is not produced."""

    kinds: Mapping[str, tuple[str, ...] | None] = attrs.field(factory=dict)

    @classmethod
    def parse(cls, value, analyzer: str = "?") -> "Produces":
        """A :class:`Produces` from the forms an analyzer may declare (see :class:`Analyzer`)."""
        if isinstance(value, cls):
            return value
        if isinstance(value, Mapping):
            items = dict(value)
        elif isinstance(value, Iterable) and not isinstance(value, str):
            items = {k: None for k in _names(value, "produces", analyzer)}
        else:
            raise PluginError(f"analyzer {analyzer!r}: produces must map kinds ({', '.join(KINDS)}) to names, "
                              f"got {value!r}")
        unknown = [k for k in items if k not in KINDS]
        if unknown:
            raise PluginError(f"analyzer {analyzer!r}: produces names unknown kind(s) "
                              f"{', '.join(map(repr, unknown))}; the kinds are {', '.join(KINDS)}")
        return cls({k: None if v is None else _names(v, f"produces[{k!r}]", analyzer)
                    for k, v in sorted(items.items(), key=lambda kv: KINDS.index(kv[0]))})

    def undeclared(self, model) -> list[str]:
        """What ``model`` (a :class:`kzmedia.results.ResultModel`) holds that this does not declare."""
        found = {"findings": {f.label for f in model.findings}, "scores": {s.name for s in model.scores},
                 "relations": {r.label for r in model.relations}}
        out = []
        for kind in KINDS:
            if not found[kind]:
                continue
            if kind not in self.kinds:
                out.append(f"{kind} (not declared)")
                continue
            names = self.kinds[kind]
            extra = sorted(found[kind] - set(names)) if names is not None else []
            if extra:
                out.append(f"{kind} {', '.join(map(repr, extra))} (declared: {', '.join(names) or 'none'})")
        return out

    def to_dict(self) -> dict:
        return {k: None if v is None else list(v) for k, v in self.kinds.items()}


def requires_of(name: str, analyzer) -> tuple[str, ...]:
    """The analyzer's declared ``requires`` (default: ``()``), checked to be a list of names."""
    return _names(getattr(analyzer, "requires", ()) or (), "requires", name)


def produces_of(name: str, analyzer) -> Produces | None:
    """The analyzer's declared ``produces`` (``None``: undeclared), read after its ``setup``."""
    value = getattr(analyzer, "produces", None)
    return None if value is None else Produces.parse(value, name)


def check_requires(analyzers: Mapping[str, object], installed: Iterable[str],
                   lemmatizers: Callable[[], bool] = lambda: True) -> dict[str, tuple[str, ...]]:
    """Each enabled analyzer's requirements, checked: a document feature (``morphology`` only when
    ``lemmatizers()`` says a lemmatizer is registered), or an analyzer of this pipeline; no cycles.
    Returns name → the analyzers it requires."""
    installed = set(installed)
    out: dict[str, tuple[str, ...]] = {}
    for name, analyzer in analyzers.items():
        needs = []
        for req in requires_of(name, analyzer):
            if req == "morphology" and not lemmatizers():
                raise PluginError(f"analyzer {name!r} requires morphology, but no plugin registers a lemmatizer "
                                  "(kzmedia_register_lemmatizers); add kzmedia.morphology to the plugin manager")
            if req in DOCUMENT_FEATURES:
                continue
            if req not in analyzers:
                if req in installed:
                    raise PluginError(f"analyzer {name!r} requires analyzer {req!r}, which is installed but not "
                                      f"enabled in this pipeline; enable {req!r} too, or leave out {name!r}")
                raise PluginError(f"analyzer {name!r} requires {req!r}, which is neither a document feature "
                                  f"({', '.join(DOCUMENT_FEATURES)}) nor an installed analyzer")
            needs.append(req)
        out[name] = tuple(needs)
    run_order(out)  # raises on a cycle
    return out


def with_requirements(names: Iterable[str], needs: Mapping[str, Iterable[str]]) -> set[str]:
    """``names`` and every analyzer they require (``needs``: name → analyzers it requires),
    directly or not."""
    out: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo.extend(needs.get(name, ()))
    return out


def run_order(needs: Mapping[str, tuple[str, ...]]) -> list[str]:
    """The analyzers in their given order, each moved after the analyzers it requires."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = " → ".join((*path[path.index(name):], name))
            raise PluginError(f"analyzer {path[-1]!r}: its requirements form a cycle ({cycle})")
        state[name] = "visiting"
        for dep in needs.get(name, ()):
            visit(dep, (*path, name))
        state[name] = "done"
        order.append(name)

    for name in needs:
        visit(name, ())
    return order


def data_versions(name: str, analyzer) -> dict[str, str]:
    """The analyzer's declared ``data_versions()`` as strings; ``{}`` when it declares none."""
    ask = getattr(analyzer, "data_versions", None)
    if ask is None:
        return {}
    if not callable(ask):
        raise PluginError(f"analyzer {name!r}: data_versions must be a method returning a mapping")
    try:
        got = ask()
        return {str(k): str(v) for k, v in dict(got).items()}
    except Exception as e:
        raise PluginError(f"analyzer {name!r}: data_versions() failed: {type(e).__name__}: {e}") from None
