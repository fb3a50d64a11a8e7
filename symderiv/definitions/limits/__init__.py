"""Limits as checkable predicates: the ε-δ, R-δ, ε-N and R-N definitions (talk A2)."""

from .check import LimitCheck, LimitGame, check_limit
from .statement import Limit, make_limit
from .statement import _witness as _witness  # the command's game reads the user's witness

__all__ = ["Limit", "LimitCheck", "LimitGame", "check_limit", "make_limit"]
