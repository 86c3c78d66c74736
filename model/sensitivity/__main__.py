"""`python -m model.sensitivity sample|analyse ...` (see `model.sensitivity.cli`)."""

import sys

from model.sensitivity.cli import main

main(sys.argv[1:] if len(sys.argv) > 1 else None)
