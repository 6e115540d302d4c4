"""sambat-tui: the agency side of a city's citizen-complaint loop, and its central server."""

__version__ = "0.1.0"
