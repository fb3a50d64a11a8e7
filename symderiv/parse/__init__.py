"""Parsers for user text: numpy-like expressions and shape declarations."""

from .declarations import parse_declarations
from .expression import Parsed, parse_expression

__all__ = ["Parsed", "parse_declarations", "parse_expression"]
