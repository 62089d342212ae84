"""`python -m eduwh.cli`: the `eduwh` command where its script is not on the PATH."""

import sys

from eduwh.cli import main

sys.exit(main())
