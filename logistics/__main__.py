"""``python -m logistics``: the same command line as the ``logistics`` console script."""

import sys

from logistics.cli import main

sys.exit(main())
