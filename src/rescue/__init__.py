"""Rescue: an intelligence platform for investigations that start from a seized forum."""

__version__ = "0.1.0"
