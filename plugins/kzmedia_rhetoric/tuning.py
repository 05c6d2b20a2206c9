"""The rhetoric plugin's hand-written tuning (data/tuning.toml), loaded once for every module."""

from __future__ import annotations

from importlib import resources

from kzmedia.compat import tomllib


def _load() -> dict:
    with (resources.files(__package__) / "data" / "tuning.toml").open("rb") as fh:
        return tomllib.load(fh)


TUNING: dict = _load()

__all__ = ["TUNING"]
