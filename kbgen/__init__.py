"""kbgen: reading-group knowledge bases."""
__version__ = "0.2.0"
