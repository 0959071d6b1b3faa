import sys

from logistics.cli import main

sys.exit(main())
