"""kzmedia built-in plugin ``actors``: geopolitical actors named in a text (see docs/actors.md)."""

from kzmedia import hookimpl

from .analyzer import ActorsAnalyzer, ActorsResult, corpus_network
from .gazetteer import Gazetteer, default_gazetteer

__all__ = ["ActorsAnalyzer", "ActorsResult", "Gazetteer", "corpus_network", "default_gazetteer"]


@hookimpl
def kzmedia_register_analyzers(register):
    register(ActorsAnalyzer())


@hookimpl
def kzmedia_register_commands(register):
    """``kzmedia evaluate roles`` (SemEval-2025 entity roles) and ``kzmedia evaluate attitudes``
    (RuSentRel attitudes between entities): the portrayal and attitude measurements."""
    from .evaluation import attitudes, nerel, rusentne, roles

    register("roles", roles.add_arguments, roles.run, group="evaluate",
             help="actors portrayal vs SemEval-2025 human entity roles (cross-validated by document)")
    register("attitudes", attitudes.add_arguments, attitudes.run, group="evaluate",
             help="actors directed attitudes vs RuSentRel human attitudes (cross-validated by article)")
    register("nerel", nerel.add_arguments, nerel.run, group="evaluate",
             help="actors state mentions vs NEREL human COUNTRY spans")
    register("rusentne", rusentne.add_arguments, rusentne.run, group="evaluate",
             help="actors tone vs RuSentNE-2023 human entity sentiment")


@hookimpl
def kzmedia_register_tables(register):
    """``actor_events`` and ``actor_attitudes``: the events and attitudes with every field the
    generic ``relations`` table has no column for (see kzmedia_actors.views)."""
    from . import views

    register("actor_events", views.event_rows, help="who does what to whom, one row per event")
    register("actor_attitudes", views.attitude_rows, help="directed attitudes between actors, one row per pair")


@hookimpl
def kzmedia_register_report_panels(register):
    """The events of a document as a table beside its text in the report."""
    from . import views

    register("actors", views.events_panel)


@hookimpl
def kzmedia_register_compare_sections(register):
    """Actors' mentions, portrayal, main role and tone side by side, for two texts or per group
    (``kzmedia compare``)."""
    from .compare import ActorsGroups, section

    register("actors", section, groups=ActorsGroups)
