"""Instruction counts of one pass of a benchmark, with valgrind's callgrind: a figure that does not
move with the load of a shared machine (used by ``bench_actors.py`` and ``bench_framing.py``).

The counted script runs its pass inside ``functools.reduce``; collection is switched on only there
(``--toggle-collect=functools_reduce``), so imports, loading and the warm-up pass are not counted.
"""

from __future__ import annotations

import os
import subprocess
import sys


def instructions(script: str, *args: str) -> int:
    """Instructions callgrind collected while ``python script args…`` was inside functools.reduce."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=functools_reduce",
                           "--callgrind-out-file=/dev/null", sys.executable, script, *args],
                          env={**os.environ, "PYTHONHASHSEED": "0"}, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=True)
    collected = [line for line in done.stderr.splitlines() if "Collected :" in line]
    return int(collected[-1].rsplit(":", 1)[1].strip())
