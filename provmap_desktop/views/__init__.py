"""One module or package per screen: its widgets and its Qt item models."""
