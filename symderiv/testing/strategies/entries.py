"""Drawing the entries of an array: the arguments checked, then bytes made into values.

Every bound and setting is checked when a strategy is made, so a mistake is reported
where it is made; the drawing itself spends one byte per choice (see ``_PER_ENTRY``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

from ...errors import ArgumentError

Side = int | st.SearchStrategy[int] | None


# -- checking the arguments (at construction, so a mistake is reported where it is made) ------
def _dtype(dtype: Any) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise ArgumentError(f"dtype {dtype!r} is not a NumPy dtype") from None
    if dt.kind != "f":
        raise ArgumentError(f"dtype must be a floating-point type (float64, float32, …), "
                            f"not {dt}")
    return dt


def _bounds(min_value: float, max_value: float) -> tuple[float, float]:
    for name, v in (("min_value", min_value), ("max_value", max_value)):
        if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
            raise ArgumentError(f"{name} must be a finite number, not {v!r}")
    if not min_value < max_value:
        raise ArgumentError(f"min_value ({min_value}) must be below max_value ({max_value})")
    return float(min_value), float(max_value)


_MAX_SIDE = 10**6  # a side given as an int: at most this many entries


def _side(value: Side, max_side: int, name: str) -> Side:
    """The side checked: an int, a strategy, or None (drawn by the array's own bytes)."""
    if isinstance(max_side, bool) or not isinstance(max_side, int) or not 1 <= max_side <= 1024:
        raise ArgumentError(f"max_side must be an integer from 1 to 1024, not {max_side!r}")
    if value is None or isinstance(value, st.SearchStrategy):
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ArgumentError(f"{name} must be an integer ≥ 0, a strategy or None, "
                            f"not {value!r}")
    if value > _MAX_SIDE:
        raise ArgumentError(f"{name} = {value} is beyond the cap of {_MAX_SIDE:,} entries per "
                            "side: arrays drawn in a test must fit in memory and time")
    return value


def _representable(lo: float, hi: float, dt: np.dtype) -> tuple[float, float]:
    """The bounds moved inwards to the nearest values of ``dt``, so that a cast keeps every
    value between them."""
    info = np.finfo(dt)
    if dt.itemsize < 8 and not (-float(info.max) <= lo and hi <= float(info.max)):
        raise ArgumentError(f"min_value and max_value must lie within {dt}'s range "
                            f"(±{float(info.max):.4g})")
    lo_d, hi_d = float(dt.type(lo)), float(dt.type(hi))
    if lo_d < lo:
        lo_d = float(np.nextafter(dt.type(lo), dt.type(np.inf)))
    if hi_d > hi:
        hi_d = float(np.nextafter(dt.type(hi), dt.type(-np.inf)))
    if not lo_d <= hi_d:
        raise ArgumentError(f"no {dt} value lies between min_value ({lo}) and max_value "
                            f"({hi})")
    return lo_d, hi_d


#: Every draw of an array — its kind, its drawn sides, its entries — is a byte, 0 … 255:
#: Hypothesis copies one part of a test case over another of the same label, and a copied
#: draw that does not fit where it lands becomes its simplest value, 0 (with draws of
#: different kinds, a third of the arrays in a test of three were all zero); a byte fits
#: wherever a byte is drawn.  Arrays of up to this many entries get two bytes an entry (Hypothesis
#: shrinks each entry towards 0); larger ones a drawn seed (4096 entries entry by entry
#: took seconds a test case).
_PER_ENTRY = 256
_BYTE = st.integers(0, 255)
#: The kind of array, from its first byte, as 0 … 99, in the order Hypothesis shrinks
#: through them: below _ZEROS every entry is 0, below _SPARSE about half are 0, below
#: _EVEN (80%) the entries are spread evenly between the bounds, below _EXTREMES about
#: half are at a bound, and the rest have sizes spread over every decade down to the
#: smallest allowed.
_ZEROS, _SPARSE, _EVEN, _EXTREMES = 2, 6, 86, 90
_PHI = (5 ** 0.5 - 1) / 2


@dataclass(frozen=True, slots=True)
class _Entries:
    """How the entries of an array are drawn: between ``lo`` and ``hi`` (values of the
    dtype), shrinking towards ``zero`` (0, or the bound nearest it); magnitudes below
    ``small`` (min_magnitude, and the dtype's smallest normal number) are 0 when 0 lies
    between the bounds."""

    lo: float
    hi: float
    zero: float
    small: float
    dt: np.dtype

    def draw(self, draw_: Any, sides: list[Side], max_side: int, *, square: bool = False
             ) -> np.ndarray:
        """A float64 array whose entries are values of the dtype; each side an int, a
        strategy, or None (1 … max_side, one for both sides of a square matrix)."""
        given = [draw_(s) if isinstance(s, st.SearchStrategy) else s for s in sides]
        if square:
            known = next((s for s in given if s is not None), None)
            given = [known, known]
        style = draw_(_BYTE) * 100 // 256
        free = (known is None) if square else given.count(None)
        drawn = [1 + draw_(_BYTE) * max_side // 256 for _ in range(free)]
        shape = tuple(drawn * 2 if square and free else
                      [drawn.pop(0) if s is None else s for s in given])
        size = math.prod(shape)
        if style < _ZEROS or size == 0:
            return np.full(shape, self.zero)
        width = 3 if style >= _EXTREMES else 2  # a third byte: the entry's decade
        if size <= _PER_ENTRY:
            raw = np.array([draw_(_BYTE) for _ in range(width * size)], dtype=np.int64)
        else:
            seed = sum(draw_(_BYTE) << (8 * k) for k in range(4))
            raw = np.random.default_rng(seed).integers(0, 256, width * size)
        return self._values(style, raw.reshape(size, width)).reshape(shape)

    def _values(self, style: int, raw: np.ndarray) -> np.ndarray:
        # two bytes per entry: its place t in [0, 1), filled out to a full mantissa by the
        # fractional part of s·φ (monotone in s, so that a smaller s is a smaller entry);
        # t < q goes up from zero to hi, the rest down to lo: spread evenly over [lo, hi]
        a, b = raw[:, 0], raw[:, 1]
        s = a * 256 + b
        t = (s + (s * _PHI) % 1.0) / 65536.0
        up, down = self.hi - self.zero, self.zero - self.lo
        q = up / (up + down)
        pos = t < q
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(pos, up * (t / q), -down * ((t - q) / (1.0 - q)))
        if style < _SPARSE:
            d = np.where(b % 2 == 0, 0.0, d)
        elif _EVEN <= style < _EXTREMES:
            d = np.where(a % 2 == 1, np.where(pos, up, -down), d)
        elif style >= _EXTREMES:  # |d| times (small/span)^u: every decade down to small
            span = np.where(pos, up, down)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(span > self.small, self.small / span, 1.0)
            d = d * ratio ** (raw[:, 2] / 256.0)
        v = np.clip(self.zero + d, self.lo, self.hi).astype(self.dt).astype(np.float64)
        if self.lo <= 0.0 <= self.hi:
            v = np.where(np.abs(v) < self.small, 0.0, v)
        return v


def _entries(lo: float, hi: float, dt: np.dtype, tiny: float) -> _Entries:
    if lo <= 0.0 <= hi and tiny > max(abs(lo), abs(hi)):
        # magnitudes below min_magnitude become 0: every entry would be 0, silently
        raise ArgumentError(f"min_magnitude ({tiny:g}) is above every magnitude between "
                            f"min_value ({lo:g}) and max_value ({hi:g}): every entry would be "
                            "0; lower it or widen the bounds")
    lo, hi = _representable(lo, hi, dt)
    zero = 0.0 if lo <= 0.0 <= hi else (lo if lo > 0 else hi)
    return _Entries(lo, hi, zero, max(tiny, float(np.finfo(dt).tiny)), dt)


def _tiny(min_magnitude: float | None, lo: float, hi: float) -> float:
    if min_magnitude is None:
        return 1e-6 * max(abs(lo), abs(hi))
    if isinstance(min_magnitude, bool) or not isinstance(min_magnitude, int | float) or not (
            0 <= min_magnitude < float("inf")):
        raise ArgumentError(f"min_magnitude must be a number ≥ 0, not {min_magnitude!r}")
    return float(min_magnitude)


def _max_cond(max_cond: float, dt: np.dtype) -> float:
    """max_cond, checked: at least 1, and at most 1/(8ε) of the dtype — beyond that the
    cast to the dtype alone can make the matrix singular."""
    limit = 1 / (8 * float(np.finfo(dt).eps))
    if isinstance(max_cond, bool) or not isinstance(max_cond, int | float) or not (
            1 <= max_cond <= limit):
        raise ArgumentError(f"max_cond must be a number from 1 to {limit:.3g} for {dt}, "
                            f"not {max_cond!r}")
    return float(max_cond)

