"""kzmedia built-in plugin ``actors``: geopolitical actors named in a text (see docs/actors.md)."""

from kzmedia import hookimpl

from .analyzer import ActorsAnalyzer, ActorsResult, corpus_network
from .gazetteer import Gazetteer, default_gazetteer

__all__ = ["ActorsAnalyzer", "ActorsResult", "Gazetteer", "corpus_network", "default_gazetteer"]


@hookimpl
def kzmedia_register_analyzers(register):
    register(ActorsAnalyzer())
