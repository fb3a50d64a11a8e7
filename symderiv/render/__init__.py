"""Printers: one module per output format (text, JSON, LaTeX), and expression printers."""

from .printing import to_input, to_latex, to_unicode

__all__ = ["to_input", "to_latex", "to_unicode"]
