"""`python -m seesaw` is the `seesaw` command."""

import sys

from seesaw.cli import main

sys.exit(main())
