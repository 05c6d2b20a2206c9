"""``python -m kzmedia``: the ``kzmedia`` command line."""

import sys

from .cli import main

sys.exit(main())
