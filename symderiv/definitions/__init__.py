"""Definitions as checkable objects (talk A, sections A1–A3).

* :mod:`.division` — a ÷ b as the unique solution of b·x = a, in ℤ, ℚ, ℝ, ℂ, ℤ/n,
  ℚ[t] and the square matrices;
* :mod:`.extended` — ∞ is not a real number: the extended reals ℝ̄, and a table of what
  mathematics, Python, NumPy and SymPy make of ``0/0`` or ``inf - inf``;
* :mod:`.limits` — lim as its ε-δ (R-δ, ε-N, R-N) definition: witnesses proved with
  z3 or refuted with a counterexample, and the two-player game;
* :mod:`.exponents` — a⁰ = 1, a⁻ⁿ = 1/aⁿ, a^(1/n) = ⁿ√a and a^(p/q) derived from the
  exponent laws, and claims about powers checked.
"""

from .division import Division, Domain, divide, parse_domain
from .exponents import ExponentDerivation, check_power_claim, natural_extension
from .extended import INF, NEG_INF, Comparison, ExtendedReal, compare, is_real
from .limits import Limit, LimitCheck, LimitGame, check_limit, make_limit

__all__ = ["INF", "NEG_INF", "Comparison", "Division", "Domain", "ExponentDerivation",
           "ExtendedReal", "Limit", "LimitCheck", "LimitGame", "check_limit",
           "check_power_claim", "compare", "divide", "is_real", "make_limit",
           "natural_extension", "parse_domain"]
