"""Shapes of SymPy expressions that every layer recognises (no calculus, no printing)."""

from __future__ import annotations

import sympy as sp

__all__ = ["is_nonnegative", "norm_operand", "term_order"]


def norm_operand(m: sp.Basic) -> sp.Basic | None:
    """v when m is the 1×1 product vᵀv (so tr m = ‖v‖²), else None."""
    if not isinstance(m, sp.MatMul):
        return None
    coeff, mats = m.as_coeff_matrices()
    if coeff != 1 or len(mats) != 2:
        return None
    first, second = mats
    if second.shape[1] == 1 and sp.Transpose(second).doit() == first:
        return second
    return None


def is_nonnegative(e: sp.Basic) -> bool:
    """True when e ≥ 0 is known: SymPy's assumptions, tr(vᵀv) = ‖v‖², or tr(MᵀM) = ‖M‖²_F."""
    if e.is_nonnegative:
        return True
    if not isinstance(e, sp.Trace):
        return False
    if e.arg.shape == (1, 1) and norm_operand(e.arg) is not None:
        return True
    m = e.arg
    if isinstance(m, sp.MatMul):
        coeff, mats = m.as_coeff_matrices()
        return coeff == 1 and len(mats) == 2 and sp.Transpose(mats[1]).doit() == mats[0]
    return False


def term_order(t: sp.Basic) -> tuple[int, int, str]:
    """Order terms as a person writes them: fewer factors first, then fewer transposes."""
    _coeff, mats = (t.as_coeff_matrices() if isinstance(t, sp.MatMul) else (1, [t]))
    text = str(list(mats))
    return (len(mats), text.count(".T") + text.count("**(-1)"), text)
