"""``python -m huanwei`` runs the command line."""

import sys

from huanwei.cli import main

sys.exit(main())
