"""World data: built-in country and corridor tables and the script that derives them."""
