"""The browser app for workshops: `python -m model.app` serves it (`model.app.serve`).

Modules: `settings` (a participant's choices as `python run.py` overrides, from the
declarations), `workshop` (the session's model, the shared baseline, the tables to download),
`charts` (the indicator panels and the corridor map), `page` (the Solara page on Mesa's
SolaraViz), `assets` (Solara's front end from npm) and `serve` (the command that starts it).
"""
