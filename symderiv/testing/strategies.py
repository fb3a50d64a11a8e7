"""Hypothesis strategies: shaped NumPy values with assumptions, and matrix expressions.

>>> from hypothesis import given
>>> @given(matrices(shape=(3, 3), positive_definite=True))
... def test_cholesky_exists(A):
...     np.linalg.cholesky(A)
>>> test_cholesky_exists()

Entries are drawn between ``min_value`` and ``max_value`` — finite, representable in the
dtype, and (when 0 lies between the bounds) 0 or at least ``min_magnitude`` in size
(default 10⁻⁶ of the larger bound, so that values like 10⁻³⁰⁰ do not underflow in the
code under test; pass 0 to include them).  Most arrays (80%) have their entries spread
evenly between the bounds; the edge cases come as a minority, each a few percent of the
draws: every entry 0 (2%), about half of them 0 (4%), about half at a bound (4%), sizes
spread over every decade down to ``min_magnitude`` (10%).  Arrays of up to 256 entries
are drawn entry by entry, so that Hypothesis shrinks each towards 0; larger ones from a
drawn seed.

The assumptions are then imposed on the drawn matrix B — its symmetric part (B + Bᵀ)/2,
its spectrum clamped so that the condition number is at most ``max_cond``, the orthogonal
factor of its QR decomposition — the result is scaled down, if need be, until its
entries lie between the bounds too (a positive factor keeps every assumption), and all
is checked again after the cast to the dtype, so every value honours the assumptions
and the bounds, also after Hypothesis shrinks it (all-zero B gives the identity, or a
multiple of it within the bounds).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from ..errors import ArgumentError

__all__ = ["expressions", "matrices", "points", "scalars", "vectors"]

Side = int | st.SearchStrategy[int] | None
DEFAULT_LET = "x: n; y: m; A: n x n; B: m x n; S: n x n, symmetric; c: scalar"


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


# -- scalars and vectors -----------------------------------------------------------------------
def scalars(*, dtype: Any = np.float64, min_value: float = -10.0, max_value: float = 10.0,
            positive: bool = False, min_magnitude: float | None = None
            ) -> st.SearchStrategy[np.floating]:
    """A NumPy scalar of ``dtype``; ``positive=True`` draws from [10⁻⁴·max_value, max_value]
    (or [min_value, max_value] when min_value > 0).

    >>> from hypothesis import find
    >>> bool(find(scalars(positive=True), lambda s: True) > 0)
    True
    """
    dt = _dtype(dtype)
    lo, hi = _bounds(min_value, max_value)
    tiny = _tiny(min_magnitude, lo, hi)
    if positive:
        if hi <= 0:
            raise ArgumentError(f"positive=True needs max_value > 0, not {max_value}")
        lo = lo if lo > 0 else hi * 1e-4
    entries = _entries(lo, hi, dt, tiny)

    @st.composite
    def draw(draw_: Any) -> np.floating:
        return dt.type(entries.draw(draw_, [], 1)[()])

    return draw()


def vectors(n: Side = None, *, dtype: Any = np.float64, min_value: float = -10.0,
            max_value: float = 10.0, max_side: int = 8, min_magnitude: float | None = None
            ) -> st.SearchStrategy[np.ndarray]:
    """A 1-D NumPy array of ``n`` entries (an int, a strategy, or None: 1 … max_side)."""
    return matrices(shape=(n,), dtype=dtype, min_value=min_value, max_value=max_value,
                    max_side=max_side, min_magnitude=min_magnitude)


# -- matrices -------------------------------------------------------------------------------------
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


def matrices(shape: tuple[Side, ...] | None = None, *, symmetric: bool = False,
             positive_definite: bool = False, invertible: bool = False,
             orthogonal: bool = False, diagonal: bool = False, max_cond: float = 100.0,
             dtype: Any = np.float64, min_value: float = -10.0, max_value: float = 10.0,
             max_side: int = 6, min_magnitude: float | None = None
             ) -> st.SearchStrategy[np.ndarray]:
    """A NumPy array of the given or drawn shape, honouring the assumptions.

    Parameters
    ----------
    shape : tuple, optional
        Each side an int, a strategy of ints, or None (drawn from 1 … max_side); any
        number of sides (``(3,)`` is a vector).  Default: a drawn 2-D shape, square when
        an assumption needs it.
    symmetric, positive_definite, invertible, orthogonal, diagonal : bool
        Assumptions (square 2-D shapes only).  Positive definite matrices are symmetric;
        ``invertible`` and ``positive_definite`` bound the condition number by
        ``max_cond`` (2-norm; at most 1/(8ε) of the dtype: 10⁶ for float32).
    dtype : float64, float32 or float16
    min_value, max_value : float
        Bounds of every entry, also after the assumptions are imposed.  Orthogonal
        matrices need min_value ≤ −1 and 1 ≤ max_value; diagonal ones 0 between the
        bounds; positive definite and invertible ones (not diagonal) entries of both
        signs, min_value < 0 < max_value.
    min_magnitude : float, optional
        Entries of B smaller than this are drawn as 0 (default 10⁻⁶ × the larger bound).

    >>> from hypothesis import find
    >>> Q = find(matrices(shape=(3, 3), orthogonal=True), lambda m: True)
    >>> bool(np.allclose(Q.T @ Q, np.eye(3)))
    True
    """
    dt = _dtype(dtype)
    floor = float(np.finfo(dt).tiny / np.finfo(dt).eps)
    lo, hi = _bounds(min_value, max_value)
    entries = _entries(lo, hi, dt, _tiny(min_magnitude, lo, hi))
    assume = _Assume(symmetric, positive_definite, invertible, orthogonal, diagonal, max_cond,
                     floor, entries.lo, entries.hi)
    _max_cond(max_cond, dt)
    if positive_definite and orthogonal:
        raise ArgumentError("positive definite and orthogonal: only the identity is both")
    _fits(assume, lo, hi)
    if shape is None:
        shape = (None, None)
    if not isinstance(shape, tuple | list):
        raise ArgumentError(f"shape must be a tuple of sides, not {shape!r}")
    sides = [_side(s, max_side, "each side of shape") for s in shape]
    if assume.square:
        if len(sides) != 2:
            raise ArgumentError(f"the assumptions are about square matrices; shape {shape!r} "
                                "is not 2-D")
        fixed = [s for s in shape if isinstance(s, int)]
        if len(fixed) == 2 and fixed[0] != fixed[1]:
            raise ArgumentError(f"the assumptions are about square matrices, not {shape!r}")
        # one side stands for both: the given one, else the first strategy, else drawn
        ints = [s for s in sides if isinstance(s, int)]
        drawn = [s for s in sides if s is not None]
        sides = [ints[0] if ints else drawn[0] if drawn else None]

    @st.composite
    def draw(draw_: Any) -> np.ndarray:
        b = entries.draw(draw_, sides, max_side, square=assume.square)
        if not assume.square:
            return b.astype(dt)
        return _honoured(b, assume, dt)

    return draw()


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


# -- points for a list of declarations ---------------------------------------------------------
def points(let: str, *, sizes: Mapping[str, int] | None = None, dtype: Any = np.float64,
           min_value: float = -10.0, max_value: float = 10.0, max_side: int = 5,
           max_cond: float = 100.0, min_magnitude: float | None = None
           ) -> st.SearchStrategy[dict[str, Any]]:
    """Values for every declared name, with one size drawn per dimension name.

    ``points("X: m x n; y: m; w: n")`` draws m and n, then X (m×n), y and w; assumptions
    in the declarations (``A: n x n, positive definite``) are honoured.  ``sizes`` fixes
    dimensions (``{"n": 3}``).  A dict, ready for ``f(**point)`` or
    ``assert_gradient(..., at=point, wrt="w")``.

    >>> from hypothesis import find
    >>> p = find(points("X: m x n; y: m; w: n"), lambda p: p["X"].shape == (2, 3))
    >>> p["y"].shape, p["w"].shape
    ((2,), (3,))
    """
    from ..parse import parse_declarations

    dt = _dtype(dtype)
    lo, hi = _bounds(min_value, max_value)
    _tiny(min_magnitude, lo, hi)
    _max_cond(max_cond, dt)
    space = parse_declarations(let)
    fixed = dict(sizes or {})
    names = [d.name for d in space.dim_symbols]
    for k, v in fixed.items():
        if k not in names:
            raise ArgumentError(f"sizes names {k!r}, which is not a dimension of {let!r} "
                                f"(dimensions: {', '.join(names) or 'none'})")
        _side(v, max_side, f"sizes[{k!r}]")
    _side(None, max_side, "")
    free = [n for n in names if n not in fixed]
    common = {"dtype": dtype, "min_value": min_value, "max_value": max_value,
              "min_magnitude": min_magnitude}
    for decl in space.declarations.values():  # bounds that a declaration cannot fit: now
        if decl.kind == "scalar":
            scalars(positive="positive" in decl.assumptions, **common)
        else:
            _assumed(decl.assumptions, (None,) * len(decl.dims), max_cond, common)

    @st.composite
    def draw(draw_: Any) -> dict[str, Any]:
        # the drawn sizes as bytes, as an array's (see _PER_ENTRY)
        size = {**fixed, **{n: 1 + draw_(_BYTE) * max_side // 256 for n in free}}
        out: dict[str, Any] = {}
        for decl in space.declarations.values():
            concrete = tuple(size[str(d)] if str(d) in size else int(d) for d in decl.dims)
            if decl.kind == "scalar":
                out[decl.name] = draw_(scalars(positive="positive" in decl.assumptions,
                                               **common))
            else:
                out[decl.name] = draw_(_assumed(decl.assumptions, concrete, max_cond, common))
        return out

    return draw()


def _assumed(a: Any, shape: tuple[Side, ...], max_cond: float, common: dict[str, Any]
             ) -> st.SearchStrategy[np.ndarray]:
    """matrices() for a declaration's assumptions."""
    return matrices(shape, symmetric="symmetric" in a,
                    positive_definite="positive definite" in a, invertible="invertible" in a,
                    orthogonal="orthogonal" in a, diagonal="diagonal" in a,
                    max_cond=max_cond, **common)


# -- random well-shaped matrix expressions -----------------------------------------------------
Shape = tuple[str, ...]  # () a scalar, ("n",) a vector, ("m", "n") a matrix


def _shape_of(text: Any) -> Shape:
    """'scalar', 'n' or 'm x n', read as the declarations read dimensions."""
    from ..errors import SymderivError
    from ..parse import parse_declarations

    if not isinstance(text, str):
        raise ArgumentError(f"shape must be text ('scalar', 'n' or 'm x n'), not {text!r}")
    try:
        decl = parse_declarations(f"S: {text}").declarations["S"]
    except SymderivError:
        raise ArgumentError(f"shape must be 'scalar', a dimension ('n') or 'm x n', "
                            f"not {text!r}") from None
    return tuple(str(d) for d in decl.dims)


class _Grammar:
    """Type-directed productions over the declared names: every expression built is
    well-shaped, and ``cost`` says how deep a shape's shallowest expression is."""

    def __init__(self, let: str) -> None:
        from ..parse import parse_declarations

        self.space = parse_declarations(let)
        self.leaves: dict[Shape, list[str]] = {}
        self.invertible: list[tuple[str, Shape]] = []
        for d in self.space.declarations.values():
            shape = tuple(str(x) for x in d.dims)
            self.leaves.setdefault(shape, []).append(d.name)
            if d.kind == "matrix" and d.assumptions & {"invertible", "positive definite",
                                                       "orthogonal"}:
                self.invertible.append((d.name, shape))
        self.dims = sorted({x for s in self.leaves for x in s})
        self.cost = self._costs()

    def shapes(self) -> list[Shape]:
        return [(), *((d,) for d in self.dims), *((r, c) for r in self.dims for c in self.dims)]

    def _children(self, shape: Shape) -> list[tuple[str, list[Shape]]]:
        """(template, shapes of the parts) for each production of ``shape``."""
        out: list[tuple[str, list[Shape]]] = [("{0} + {1}", [shape, shape]),
                                              ("{0} - {1}", [shape, shape])]
        if shape == ():
            out += [("{0} * {1}", [(), ()]), ("-{0}", [()]), ("{0}**2", [()])]
            out += [("{0} @ {1}", [(d,), (d,)]) for d in self.dims]
            out += [("norm({0})**2", [(d,)]) for d in self.dims]
            out += [("trace({0})", [(d, d)]) for d in self.dims]
            return out
        out.append(("{0} * {1}", [(), shape]))
        if len(shape) == 1:
            (n,) = shape
            out += [("{0} @ {1}", [(n, k), (k,)]) for k in self.dims]
            out += [("{0}.T @ {1}", [(k, n), (k,)]) for k in self.dims]
            out += [("{0} * {1}", [shape, shape]), ("diag({0})", [(n, n)])]
            return out
        r, c = shape
        out += [("{0} @ {1}", [(r, k), (k, c)]) for k in self.dims]
        out += [("{0}.T", [(c, r)]), ("outer({0}, {1})", [(r,), (c,)]),
                ("{0} * {1}", [shape, shape])]
        if r == c:
            out.append(("diag({0})", [(r,)]))
        return out

    def _costs(self) -> dict[Shape, int]:
        cost = {s: 0 for s in self.leaves}
        cost[()] = 0  # a constant
        for _ in range(6):
            for s in self.shapes():
                for _, parts in self._children(s):
                    if all(p in cost for p in parts):
                        c = 1 + max((cost[p] for p in parts), default=0)
                        if c < cost.get(s, 99):
                            cost[s] = c
        return cost

    def build(self, draw: Any, shape: Shape, budget: int) -> tuple[str, bool]:
        """(text, atomic?) of a random expression of ``shape`` within ``budget`` levels."""
        leaves = [(n, True) for n in self.leaves.get(shape, [])]
        if shape == ():
            leaves.append((str(draw(st.integers(1, 3))), True))
        leaves += [(f"inv({n})", True) for n, s in self.invertible if s == shape]
        options = [(t, parts) for t, parts in self._children(shape)
                   if all(self.cost.get(p, 99) <= budget - 1 for p in parts)]
        if leaves and (not options or budget <= 0 or draw(st.integers(0, 2)) == 0):
            return draw(st.sampled_from(leaves))
        template, parts = draw(st.sampled_from(options))
        texts = []
        for p in parts:
            text, atomic = self.build(draw, p, budget - 1)
            texts.append(text if atomic or template.startswith(("norm", "trace", "diag",
                                                                "outer"))
                         else f"({text})")
        atomic = template == "{0}.T" or (template.startswith(("trace", "diag", "outer")))
        return template.format(*texts), atomic


def expressions(let: str = DEFAULT_LET, *, shape: str = "scalar", max_depth: int = 3,
                form: str = "text") -> st.SearchStrategy[Any]:
    """Random well-shaped expressions in the declared names, for testing symbolic tools.

    Sums, differences, products (``@`` with every inner dimension, element-wise ``*``,
    scalar multiples), transposes, ``outer``, ``diag``, ``trace``, ``norm(v)**2``,
    inner products, powers of scalars and ``inv`` of declared invertible matrices,
    nested up to ``max_depth`` levels.  ``form``: ``"text"`` (the numpy-like language,
    which symderiv and NumPy read), ``"latex"``, or ``"sympy"`` (a SymPy expression
    from symderiv's parser).

    >>> from hypothesis import find
    >>> find(expressions("x: n; A: n x n", shape="n", max_depth=1), lambda e: "@" in e)
    'A @ x'
    """
    if form not in ("text", "latex", "sympy"):
        raise ArgumentError(f"form must be 'text', 'latex' or 'sympy', not {form!r}")
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or not 0 <= max_depth <= 8:
        raise ArgumentError(f"max_depth must be an integer from 0 to 8, not {max_depth!r}")
    grammar = _Grammar(let)
    target = _shape_of(shape)
    unknown = [d for d in target if d not in grammar.dims]
    if unknown:
        raise ArgumentError(f"shape {shape!r} uses {unknown[0]!r}, which no declaration in "
                            f"{let!r} has")
    need = grammar.cost.get(target)
    if need is None or need > max_depth:
        raise ArgumentError(f"no expression of shape {shape!r} can be built from {let!r} "
                            f"within max_depth={max_depth}")

    @st.composite
    def draw(draw_: Any) -> Any:
        text, _ = grammar.build(draw_, target, max_depth)
        if form == "text":
            return text
        from sympy import ZeroMatrix

        from ..parse import parse_expression

        parsed = parse_expression(text, grammar.space)
        if form == "sympy":
            return parsed.expr
        from ..render.printing import to_latex

        # a part that cancels (x - x) is a zero matrix, which LaTeX writes as a scalar 0
        assume(not parsed.expr.atoms(ZeroMatrix))
        return to_latex(parsed.expr)

    return draw()
