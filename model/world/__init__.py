"""World data: the built-in country and corridor tables (derived offline by docs/world/derive.py)
and their loaders."""
