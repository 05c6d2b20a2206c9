"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path inside ``../shared``; the calling test is skipped when it does not exist."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data sets sit beside the repository only in CI and "
                    "developer checkouts")
    return path


@pytest.fixture
def shared_dir() -> Path:
    return shared_path()


@pytest.fixture
def gold() -> dict:
    from kzmedia.compat import tomllib

    with open(shared_path("gold", "seeds.toml"), "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture
def seed_texts() -> dict[str, Path]:
    """File name → path of the two seed articles and the two controls."""
    out = {}
    for sub in ("seeds", "controls"):
        for p in sorted(shared_path(sub).glob("*.txt")):
            out[p.name] = p
    return out
