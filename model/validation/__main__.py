"""`python -m model.validation`: see `model.validation.report`."""

import sys

from model.validation.report import main

sys.exit(main())
