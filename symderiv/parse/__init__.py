"""Parsers for user text: numpy-like expressions, LaTeX math and shape declarations."""

from .declarations import parse_declarations
from .expression import Parsed, parse_expression
from .latex import parse_latex

__all__ = ["Parsed", "parse_declarations", "parse_expression", "parse_latex"]
