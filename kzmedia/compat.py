"""What differs between the Python versions kzmedia supports (3.10 to 3.13), in one place.

``tomllib`` is in the standard library from Python 3.11; on 3.10 the same parser is the
``tomli`` package (a dependency there only). Import it from here::

    from kzmedia.compat import tomllib
"""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10
    import tomli as tomllib

__all__ = ["tomllib"]
