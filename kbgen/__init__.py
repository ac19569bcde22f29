"""kbgen: reading-group knowledge bases."""
__version__ = "0.1.0"
