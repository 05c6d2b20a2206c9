"""An on-disk cache for expensive, deterministic set-up (compiled lexicons, gazetteers).

Compiling a few thousand lexicon entries means a few thousand pymorphy3 parses; doing it on every
``kzmedia analyze`` start would cost most of a second. :func:`cached` pickles the built object
under a key derived from everything it depends on (the caller's inputs, the kzmedia and pymorphy3
versions), so a changed lexicon or library version simply misses. Writes are atomic (rename), so
parallel workers never read a half-written file. ``KZMEDIA_CACHE_DIR`` moves the cache;
``KZMEDIA_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")


def cache_dir() -> Path | None:
    if os.environ.get("KZMEDIA_NO_CACHE"):
        return None
    base = os.environ.get("KZMEDIA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "kzmedia")
    return Path(base)


def _fingerprint(parts: Iterable[object]) -> str:
    from . import __version__

    try:
        import pymorphy3
        morph_version = getattr(pymorphy3, "__version__", "?")
    except ImportError:  # pragma: no cover
        morph_version = "-"
    h = hashlib.sha256(f"kzmedia {__version__} pymorphy3 {morph_version}".encode())
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:32]


def cached(name: str, parts: Iterable[object], build: Callable[[], T]) -> T:
    """Return ``build()``, from the cache when an object with the same name and inputs was built.

    ``parts`` must capture every input of ``build`` (file contents, options). Any cache problem
    (unwritable directory, corrupt file) falls back to building: the cache only ever saves time.
    """
    directory = cache_dir()
    if directory is None:
        return build()
    path = directory / f"{name}-{_fingerprint(parts)}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:
        pass
    value = build()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except Exception:
            pass
    return value
