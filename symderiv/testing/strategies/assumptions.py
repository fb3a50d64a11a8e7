"""The assumptions of a square matrix imposed on a drawn one: symmetric, positive definite,
invertible with a bounded condition number, orthogonal, diagonal — within the bounds, and
checked again after the cast to the dtype.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ...errors import ArgumentError
from .entries import Side


@dataclass(frozen=True, slots=True)
class _Assume:
    symmetric: bool = False
    positive_definite: bool = False
    invertible: bool = False
    orthogonal: bool = False
    diagonal: bool = False
    max_cond: float = 100.0
    floor: float = 0.0  # magnitudes counted as zero: tiny / eps of the dtype
    lo: float = -math.inf  # the bounds of every entry
    hi: float = math.inf

    @property
    def square(self) -> bool:
        return any((self.symmetric, self.positive_definite, self.invertible, self.orthogonal,
                    self.diagonal))


def _clamp(v: np.ndarray, max_cond: float, floor: float) -> np.ndarray:
    """Magnitudes |v| raised to at least max|v|/max_cond (all ones if v is below floor,
    which would underflow in the dtype asked for)."""
    mag = np.abs(v)
    top = float(np.max(mag, initial=0.0))
    if top <= floor:
        return np.ones_like(mag)
    return np.maximum(mag, top / max_cond)


def _impose(b: np.ndarray, a: _Assume) -> np.ndarray:
    """The drawn square matrix b made to satisfy the assumptions."""
    if a.orthogonal:
        signs = np.where(np.diag(b) < 0, -1.0, 1.0)
        if a.diagonal:
            return np.diag(signs)
        q, r = np.linalg.qr(b)
        if a.symmetric:  # Q·diag(±1)·Qᵀ: a symmetric orthogonal matrix (a reflection)
            return q @ np.diag(signs) @ q.T
        return q * np.where(np.diag(r) < 0, -1.0, 1.0)
    if a.diagonal:
        d = np.diag(b).copy()
        if a.positive_definite:
            d = _clamp(d, a.max_cond, a.floor)
        elif a.invertible:
            d = np.where(d < 0, -1.0, 1.0) * _clamp(d, a.max_cond, a.floor)
        return np.diag(d)
    if a.positive_definite or (a.symmetric and a.invertible):
        lam, q = np.linalg.eigh((b + b.T) / 2)
        lam = _clamp(lam, a.max_cond, a.floor) * (1.0 if a.positive_definite
                                         else np.where(lam < 0, -1.0, 1.0))
        m = (q * lam) @ q.T
        return (m + m.T) / 2
    if a.symmetric:
        return (b + b.T) / 2
    if a.invertible:
        u, s, vt = np.linalg.svd(b)
        return (u * _clamp(s, a.max_cond, a.floor)) @ vt
    return b


def _fits(a: _Assume, lo: float, hi: float) -> None:
    """Refuse bounds that no matrix with the assumptions fits between."""
    if a.orthogonal and not (lo <= -1.0 and 1.0 <= hi):
        raise ArgumentError(f"orthogonal matrices have entries ±1 (and any size between): "
                            f"min_value must be ≤ -1 and max_value ≥ 1, not {lo} and {hi}")
    if a.diagonal and not lo <= 0.0 <= hi:
        raise ArgumentError(f"diagonal matrices have zeros off the diagonal: 0 must lie "
                            f"between min_value ({lo}) and max_value ({hi})")
    if (a.positive_definite or a.invertible) and not a.orthogonal and hi <= 0:
        raise ArgumentError(f"{'positive definite' if a.positive_definite else 'invertible'} "
                            f"matrices need max_value > 0, not {hi}")
    if (a.positive_definite or a.invertible) and not (a.diagonal or a.orthogonal) and lo >= 0:
        raise ArgumentError(f"{'positive definite' if a.positive_definite else 'invertible'} "
                            f"matrices have entries of both signs: min_value must be < 0, "
                            f"not {lo} (or ask for diagonal ones)")


def _within(m: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """m times a positive factor ≤ 1 (which keeps every assumption) so that its entries lie
    in [lo, hi]; the bounds allow m's signs (checked by _fits)."""
    top, bottom = float(m.max(initial=0.0)), float(m.min(initial=0.0))
    over = max(top / hi if top > 0 else 0.0, bottom / lo if bottom < 0 else 0.0)
    return np.clip(m / over, lo, hi) if over > 1 else m


def _honoured(b: np.ndarray, a: _Assume, dt: np.dtype) -> np.ndarray:
    """b with the assumptions imposed, within the bounds, in the dtype — checked after the
    cast, which can move a matrix near its bound over it (a tighter bound is imposed then).
    Magnitudes below the dtype's smallest normal number are 0 (no subnormals)."""
    target = a.max_cond
    small = float(np.finfo(dt).tiny)
    for _ in range(12):
        m = _within(_impose(b, replace(a, max_cond=target)), a.lo, a.hi).astype(dt)
        m[np.abs(m) < small] = 0
        wide = m.astype(np.float64)
        ok = bool(np.all((a.lo <= wide) & (wide <= a.hi)))
        if ok and (a.symmetric or a.positive_definite) and not a.orthogonal:
            ok = bool(np.array_equal(wide, wide.T))
        if ok and (a.invertible or a.positive_definite):
            ok = bool(np.linalg.cond(wide) <= a.max_cond)
        if ok and a.positive_definite:
            ok = bool(np.linalg.eigvalsh(wide).min() > 0)
        if ok:
            return m
        target = max(1.0, target / 2)
    # the identity, within the bounds, honours every assumption
    return _within(np.eye(len(b)), a.lo, a.hi).astype(dt)



def _square(shape: tuple[Side, ...] | list[Side], sides: list[Side]) -> list[Side]:
    """The one side of a square matrix, from the checked sides of ``shape``: the given
    one, else the first strategy, else None (drawn)."""
    if len(sides) != 2:
        raise ArgumentError(f"the assumptions are about square matrices; shape {shape!r} "
                            "is not 2-D")
    fixed = [s for s in shape if isinstance(s, int)]
    if len(fixed) == 2 and fixed[0] != fixed[1]:
        raise ArgumentError(f"the assumptions are about square matrices, not {shape!r}")
    ints = [s for s in sides if isinstance(s, int)]
    drawn = [s for s in sides if s is not None]
    return [ints[0] if ints else drawn[0] if drawn else None]
