"""The hooks a kzmedia plugin can implement, grouped by the stage at which they are called.

Every hook is named ``kzmedia_register_*`` and receives a ``register`` callback, so one plugin can
register several things and the host records which plugin registered what. Hooks are called with
keyword arguments only; an implementation may accept fewer arguments than the spec, which is how
a hook gains arguments without breaking existing plugins (see ``docs/hooks.md``).
"""

from __future__ import annotations

import pluggy

PROJECT = "kzmedia"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- set-up: called once per plugin manager, when a Pipeline is built -------------------------

@hookspec
def kzmedia_register_analyzers(register):
    """Register analyzers.

    Called once when a :class:`kzmedia.Pipeline` is built. Call ``register(analyzer)`` for each
    analyzer: any object with ``name`` (str), ``version`` (str) and ``analyze(document)``.
    ``analyze`` returns a JSON-serialisable ``dict`` or an object with ``to_dict()`` (and,
    optionally, ``findings()`` yielding :class:`kzmedia.Finding`). An analyzer may also define
    ``setup(context)``, called once with a :class:`kzmedia.SetupContext` before the first document.
    """


@hookspec
def kzmedia_register_lexicons(register):
    """Register extra lexicons for an analyzer.

    Call ``register(lexicon, analyzer="sanctions")`` where ``lexicon`` is a :class:`kzmedia.Lexicon`
    or a path to a lexicon file. The named analyzer receives them through
    ``SetupContext.lexicons(name)``; built-in analyzers merge them with their own.
    """


@hookspec
def kzmedia_register_lemmatizers(register):
    """Register lemmatizers by language.

    Call ``register(language, factory)``; ``factory()`` returns an object with ``language``,
    ``name``, ``version`` and ``parse(word) -> (lemma, pos, tag)``. The factory runs lazily, once
    per process, the first time a document in that language is tokenised.
    """


# --- input and output: called when the CLI or a reader/exporter is looked up -------------------

@hookspec
def kzmedia_register_readers(register):
    """Register corpus readers.

    Call ``register(name, reader, suffixes=(".ext", ...))`` where ``reader(path, **options)``
    yields :class:`kzmedia.Document` objects (streaming: never the whole corpus at once).
    """


@hookspec
def kzmedia_register_exporters(register):
    """Register result exporters.

    Call ``register(name, exporter)`` where ``exporter(analyses, out, **options)`` writes an
    iterable of :class:`kzmedia.Analysis` dictionaries to the binary file object ``out``.
    """


@hookspec
def kzmedia_register_tables(register):
    """Register extra tables, beside the core's (``documents``, ``findings``, ``scores``,
    ``relations``, ``labels``, ``errors``), for what an analyzer has that the generic ones flatten.

    Call ``register(name, rows, help=None)``: ``rows(analysis)`` receives one analysis dict (the
    object of ``docs/output.md``) and yields row dicts (JSON-like values); the core puts
    ``doc_id``, ``outlet`` and ``month`` first in every row. The table is then one more name for
    ``kzmedia export --table NAME``, :func:`kzmedia.tables.rows` and
    :func:`kzmedia.tables.to_pandas`. A core table's name, or a name another plugin registered,
    is an error naming the plugins.
    """


@hookspec
def kzmedia_register_report_panels(register):
    """Register report panels: what an analyzer shows beside a document in the HTML report,
    after the generic panel (findings per label, profile, scores, relations network).

    Call ``register(analyzer, panel)``: ``panel(model)`` receives that analyzer's
    :class:`kzmedia.results.ResultModel` for one document and returns a
    :class:`kzmedia.report.Panel`, a list of them, or ``None`` (nothing to show). A panel is
    data (a title, column names, rows of cells), not HTML: the report escapes every cell, so a
    document's text cannot break the page.
    """


# --- the command line: called once when the ``kzmedia`` command builds its parser ---------------

@hookspec
def kzmedia_register_commands(register):
    """Register command-line commands (llm's ``register_commands`` is the model).

    Call ``register(name, add_arguments, run, help=None, group=None)``: ``add_arguments(parser)``
    adds the command's arguments to an :mod:`argparse` parser, ``run(args)`` runs it and returns
    the exit status. With ``group="evaluate"`` the command becomes ``kzmedia evaluate NAME``
    (an agreement measurement against annotated data); without, ``kzmedia NAME``. ``args.plugin_manager``
    is the plugin manager the command line runs with.
    """


# --- comparison: called when kzmedia.compare() builds a two-text comparison ---------------------

@hookspec
def kzmedia_register_compare_sections(register):
    """Add what is specific to an analyzer to the comparison of two texts and of groups.

    Call ``register(analyzer, section, groups=None)``. Two texts: when both have a result of
    ``analyzer``, ``section(comparison)`` is called with the :class:`kzmedia.comparison.Comparison`
    (its ``analyses`` and ``labels``) and returns ``None`` or an object with ``to_dict()`` (JSON,
    under ``"sections"`` in ``kzmedia compare --format json``) and ``lines(top)`` (the lines of the
    terminal table, shown instead of the analyzer's generic score rows). Groups of documents:
    ``groups()`` makes a fresh accumulator per comparison; its ``add(group, result)`` is called
    with each grouped document's result of ``analyzer`` (its JSON) as the documents stream past,
    then its ``section(comparison)`` with the :class:`kzmedia.comparison.GroupComparison` (its
    ``groups`` are the groups compared) returns ``None`` or the same kind of object. The generic
    rows — per label, score and relation type — are there for every analyzer without this hook.
    """
