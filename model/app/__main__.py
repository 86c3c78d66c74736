"""`python -m model.app`: serve the workshop app (see `model.app.serve`)."""

from model.app.serve import main

main()
