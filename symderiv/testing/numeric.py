"""Assertions for users' own numeric derivative code, against central differences.

``assert_gradient(f, grad, at=(X, w, y), wrt=1)`` calls the user's ``f`` and ``grad`` at
the point ``at`` and compares ``grad`` with central differences of ``f`` with respect to
one argument: along a few seeded random directions (cheap at any size), and entry by
entry when the argument is small.  ``assert_jacobian`` and ``assert_hessian`` do the
same for a vector-valued ``f`` and for second derivatives.

The differences are Richardson-extrapolated central differences, D = (4·D(h/2) − D(h))/3,
whose truncation error is O(h⁴).  They are taken in float64 whenever ``f`` computes in
float64 when given float64 arguments, also when the user's arrays are float32: the
reference is then as accurate as for float64 code, and only the claimed derivative
carries float32 rounding, which the float32 tolerance allows for.  Code that casts to
float32 inside is differenced in float32 with a larger step.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ArgumentError

__all__ = ["TOLERANCES", "assert_gradient", "assert_hessian", "assert_jacobian"]

#: Default relative tolerance by the dtype of the argument differentiated.  The absolute
#: tolerance defaults to rtol × the largest |desired| value of the check, so that entries
#: far below the derivative's scale are compared on that scale.
TOLERANCES: dict[np.dtype, float] = {
    np.dtype(np.float16): 5e-2,
    np.dtype(np.float32): 1e-3,
    np.dtype(np.float64): 1e-5,
    np.dtype(np.longdouble): 1e-5,
}

Tolerance = float | Mapping[Any, float] | None


# -- the user's function at a point -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Point:
    """The user's arguments, with one of them (``key``) the variable."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    key: int | str
    x: np.ndarray
    label: str  # "w (argument 1)"
    raw: Any  # the variable as given (a Python float is passed back as one)

    def call(self, fn: Callable[..., Any], x: np.ndarray | None = None, *,
             promote: bool = False) -> np.ndarray:
        """``fn`` at the point, the variable replaced by ``x``; every array is a fresh copy,
        so a function that changes its arguments in place cannot change the point."""
        value: Any = self.x if x is None else x
        if self.x.ndim == 0 and not isinstance(self.raw, np.ndarray):
            value = value[()]  # a Python float stays a scalar
        args = [_fresh(a, promote) for a in self.args]
        kwargs = {k: _fresh(v, promote) for k, v in self.kwargs.items()}
        if isinstance(self.key, int):
            args[self.key] = _fresh(value, promote)
        else:
            kwargs[self.key] = _fresh(value, promote)
        return np.asarray(fn(*args, **kwargs))


def _fresh(v: Any, promote: bool) -> Any:
    """A copy of an array (float64 if ``promote`` and it is float16/float32)."""
    if isinstance(v, np.ndarray):
        return v.astype(np.float64) if promote and v.dtype.kind == "f" and v.dtype.itemsize < 8 \
            else v.copy()
    return _promote(v) if promote else v


def _promote(v: Any) -> Any:
    """float16/float32 arrays and scalars as float64 (everything else as it is)."""
    if isinstance(v, np.ndarray | np.floating) and v.dtype.kind == "f" and v.dtype.itemsize < 8:
        return v.astype(np.float64)
    return v


def _name(fn: Any) -> str:
    return getattr(fn, "__name__", None) or type(fn).__name__


def _point(fn: Callable[..., Any], at: Any, wrt: int | str) -> _Point:
    """Split ``at`` into positional and keyword arguments and find the variable."""
    if not callable(fn):
        raise ArgumentError(f"f must be a function, not {type(fn).__name__}")
    if isinstance(at, Mapping):
        args: tuple[Any, ...] = ()
        kwargs = dict(at)
        if wrt == 0 and len(kwargs) == 1:
            wrt = next(iter(kwargs))
        if not isinstance(wrt, str) or wrt not in kwargs:
            raise ArgumentError(f"wrt={wrt!r} is not one of the keyword arguments in at "
                                f"({', '.join(map(repr, kwargs))})")
        key: int | str = wrt
        label = repr(wrt)
    else:
        args = tuple(at) if isinstance(at, tuple | list) else (at,)
        kwargs = {}
        if isinstance(wrt, str):
            try:
                names = list(inspect.signature(fn).parameters)
            except (TypeError, ValueError):
                names = []
            if wrt not in names[:len(args)]:
                raise ArgumentError(f"wrt={wrt!r} is not the name of one of the {len(args)} "
                                    f"arguments of {_name(fn)}")
            wrt = names.index(wrt)
        if isinstance(wrt, bool) or not isinstance(wrt, int) or not -len(args) <= wrt < len(args):
            raise ArgumentError(f"wrt={wrt!r} is not the position of one of the {len(args)} "
                                "arguments in at")
        key = wrt % len(args)
        try:
            params = list(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            params = []
        label = (f"{params[key]} (argument {key})" if key < len(params)
                 else f"argument {key}")
    raw = args[key] if isinstance(key, int) else kwargs[key]
    x = np.asarray(raw)
    if x.dtype.kind not in "f":
        kind = "integers" if x.dtype.kind in "iub" else f"{x.dtype} values"
        raise ArgumentError(f"{label} holds {kind}: derivatives need floating-point values "
                            f"(for example np.asarray(..., dtype=float))")
    if not np.all(np.isfinite(x)):
        raise ArgumentError(f"{label} holds inf or nan: there is no derivative to compare")
    args = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)
    kwargs = {k: np.array(v, copy=True) if isinstance(v, np.ndarray) else v
              for k, v in kwargs.items()}
    return _Point(fn, args, kwargs, key, x.copy(), label, raw)


# -- differences ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Reference:
    """How the differences are taken: promoted to float64 or in the argument's dtype."""

    promote: bool
    dtype: np.dtype
    step: float  # h, for a unit direction

    @property
    def eps(self) -> float:
        return float(np.finfo(self.dtype).eps)

    @property
    def words(self) -> str:
        how = "f evaluated in float64" if self.promote else f"in {self.dtype}"
        return f"central differences, {how}, Richardson-extrapolated, step {self.step:.2g}"


def _reference(p: _Point, value: Callable[..., np.ndarray], order: int,
               eps: float | None) -> _Reference:
    promote = p.x.dtype.itemsize < 8
    dtype = np.dtype(np.float64)
    if promote and value(p.x.astype(np.float64), True).dtype != np.float64:
        promote, dtype = False, p.x.dtype  # f computes in float32 whatever it is given
    elif not promote:
        dtype = p.x.dtype
    # the step that balances truncation (h⁴ after extrapolation) with rounding (ε/h^order)
    machine = float(np.finfo(dtype).eps)
    scale = max(1.0, float(np.max(np.abs(p.x), initial=0.0)))
    h = eps if eps is not None else machine ** (1 / (4 + order)) * scale
    if not (isinstance(h, float | int) and h > 0 and np.isfinite(h)):
        raise ArgumentError(f"eps must be a positive number, not {eps!r}")
    return _Reference(promote, dtype, float(h))


#: rounding in f, relative to |f|, allowed for per unit of machine epsilon: f's own
#: rounding (sums of many terms) comes on top of that of the differences
_ROUNDING = 16.0


def _first(p: _Point, value: Callable[..., np.ndarray], ref: _Reference, v: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """d/dt f(x + t·v) at t = 0, and a bound on its rounding error (per output)."""
    x = p.x.astype(ref.dtype)
    v = v.astype(ref.dtype)
    seen: list[np.ndarray] = []

    def d(h: float) -> np.ndarray:
        hi = value(x + h * v, ref.promote).astype(np.float64)
        lo = value(x - h * v, ref.promote).astype(np.float64)
        seen.extend((np.abs(hi), np.abs(lo)))
        return (hi - lo) / (2 * h)

    h = ref.step
    est = (4 * d(h / 2) - d(h)) / 3
    # |4·D(h/2) − D(h)|/3 rounds by about (4·2/h + 1/h)·ε|f|/3 = 3ε|f|/h
    noise = _ROUNDING * 3 * ref.eps * np.maximum.reduce(seen) / h
    return est, noise


def _second(p: _Point, value: Callable[..., np.ndarray], ref: _Reference, u: np.ndarray,
            v: np.ndarray) -> tuple[float, float]:
    """∂²/∂s∂t f(x + s·u + t·v) at 0, and a bound on its rounding error."""
    x = p.x.astype(ref.dtype)
    u, v = u.astype(ref.dtype), v.astype(ref.dtype)
    seen = [0.0]

    def d(h: float) -> float:
        def f(a: float, b: float) -> float:
            out = float(value(x + a * h * u + b * h * v, ref.promote))
            seen.append(abs(out))
            return out
        return (f(1, 1) - f(1, -1) - f(-1, 1) + f(-1, -1)) / (4 * h * h)

    h = ref.step
    est = (4 * d(h / 2) - d(h)) / 3
    # four values over 4h²: (4·4/h² + 1/h²)·ε|f|/3 ≈ 6ε|f|/h²
    return est, _ROUNDING * 6 * ref.eps * max(seen) / (h * h)


def _stack(diffs: list[tuple[Any, Any]]) -> tuple[np.ndarray, np.ndarray]:
    """Differences and their rounding bounds, each flattened into one array."""
    return (np.concatenate([np.ravel(d) for d, _ in diffs]) if diffs else np.empty(0),
            np.concatenate([np.ravel(e) for _, e in diffs]) if diffs else np.empty(0))


def _directions(shape: tuple[int, ...], count: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        v = rng.standard_normal(shape)
        out.append(v / np.linalg.norm(v) if np.linalg.norm(v) > 0 else v)
    return out


def _basis(shape: tuple[int, ...], k: int) -> np.ndarray:
    e = np.zeros(int(np.prod(shape, dtype=int)))
    e[k] = 1.0
    return e.reshape(shape)


# -- comparing, and the failure message ---------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Family:
    """One family of comparisons (random directions, or entries), flattened."""

    noun: str  # "directional derivatives", "entries"
    how: str  # "along 4 random directions (seed 0)", "all 3"
    actual: np.ndarray
    desired: np.ndarray
    noise: np.ndarray  # a bound on the rounding error of each desired value
    labels: list[str]  # where each value is: "[1]", "direction 2", "direction 2, output [0]"


def _tolerance(given: Tolerance, dtype: np.dtype, name: str) -> float | None:
    if given is None:
        return TOLERANCES.get(dtype, TOLERANCES[np.dtype(np.float64)]) if name == "rtol" else None
    if isinstance(given, Mapping):
        for k, v in given.items():
            if np.dtype(k) == dtype:
                return _tolerance(v, dtype, name)
        return _tolerance(None, dtype, name)
    if isinstance(given, bool) or not isinstance(given, float | int) or not given >= 0:
        raise ArgumentError(f"{name} must be a number ≥ 0 (or a dict keyed by dtype), "
                            f"not {given!r}")
    return float(given)


def _fmt(a: np.ndarray) -> str:
    return np.array2string(np.asarray(a, dtype=np.float64), precision=8, threshold=24,
                           edgeitems=4, max_line_width=88, separator=" ")


def _compare(title: str, families: list[_Family], rtol: float, atol_given: float | None,
             reference: str, claimed: str, notes: list[str]) -> None:
    """Raise the fixed failure layout if any value of any family is out of tolerance.

    One atol for all families (rtol × the largest |desired| of them all, unless given);
    the largest differences and the values shown are those of the last failing family
    (the entries, when they were compared)."""
    __tracebackhide__ = True
    scale = max(float(np.max(np.abs(f.desired), initial=0.0)) for f in families)
    atol = atol_given if atol_given is not None else rtol * scale
    atol_words = (f"atol={atol:.3g}" if atol_given is not None else
                  f"atol={atol:.3g} (rtol × largest |desired|)")
    rows, failing = [], None
    for fam in families:
        diff = np.where(np.isfinite(fam.actual), np.abs(fam.actual - fam.desired), np.inf)
        bad = ~(diff <= atol + rtol * np.abs(fam.desired) + fam.noise)
        rows.append(f"{int(bad.sum())} of {diff.size} {fam.noun}")
        if bad.any():
            failing = (fam, diff, bad)
    if failing is None:
        return
    fam, diff, bad = failing
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(fam.desired != 0, diff / np.abs(fam.desired), np.inf)
    i, j = int(np.argmax(diff)), int(np.argmax(np.where(bad, rel, -1.0)))
    noise = max(float(np.max(f.noise, initial=0.0)) for f in families)
    lines = [
        title,
        f"  checked:   {'; '.join(f'{f.noun} {f.how}' for f in families)}",
        f"  tolerance: |actual − desired| ≤ atol + rtol·|desired| + rounding, rtol={rtol:.3g}, "
        f"{atol_words},",
        f"             rounding (of the differences, at most) {noise:.3g}",
        f"  mismatch:  {', '.join(rows)}",
        f"  largest absolute difference: {diff[i]:.6g} at {fam.labels[i]}",
        f"  largest relative difference: {rel[j]:.6g} at {fam.labels[j]}",
        f"  ACTUAL  ({fam.noun} of {claimed}):",
        "    " + _fmt(fam.actual).replace("\n", "\n    "),
        f"  DESIRED ({reference}):",
        "    " + _fmt(fam.desired).replace("\n", "\n    "),
        *(f"  note: {n}" for n in notes),
    ]
    raise AssertionError("\n".join(lines))


def _claimed(p: _Point, claim: Any, want: tuple[int, ...], what: str,
             flat: tuple[int, int] | None = None) -> tuple[np.ndarray, str]:
    """The user's derivative at the point (called if a function), in the wanted shape;
    ``flat`` is the 2-D shape also accepted for a Jacobian or a Hessian."""
    __tracebackhide__ = True
    name = _name(claim) if callable(claim) else "the given array"
    value = p.call(claim) if callable(claim) else np.asarray(claim)
    if value.dtype.kind not in "fiu":
        raise AssertionError(f"{what}: {name} returned {value.dtype} values, not numbers")
    if value.shape != want:
        if value.shape == flat or value.size == 1 == int(np.prod(want, dtype=int)):
            value = value.reshape(want)
        else:
            raise AssertionError(f"{what}: {name} returned shape {value.shape}, but the "
                                 f"derivative has shape {want}")
    return value.astype(np.float64), name


def _sizes(directions: int, full: int | None, seed: int, default_full: int) -> int:
    for name, v in (("directions", directions), ("seed", seed)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ArgumentError(f"{name} must be an integer ≥ 0, not {v!r}")
    if full is None:
        return default_full
    if isinstance(full, bool) or not isinstance(full, int) or full < 0:
        raise ArgumentError(f"full must be an integer ≥ 0, not {full!r}")
    return full


# -- the assertions ---------------------------------------------------------------------------
def assert_gradient(f: Callable[..., Any], grad: Callable[..., Any] | Any, *, at: Any,
                    wrt: int | str = 0, rtol: Tolerance = None, atol: Tolerance = None,
                    directions: int = 4, full: int | None = None, seed: int = 0,
                    eps: float | None = None) -> None:
    """Assert that ``grad`` is the gradient of the scalar function ``f``.

    ``f(*at)`` (``f(**at)`` for a dict) must return a scalar; ``grad`` is a function of
    the same arguments returning the gradient with respect to argument ``wrt`` (its
    position, or its name), in that argument's shape — or the gradient's value itself.

    Parameters
    ----------
    at : tuple, dict or array
        The arguments of ``f`` and ``grad``.  They are not changed.
    wrt : int or str
        Which argument is the variable: its position in ``at`` or its name.
    rtol, atol : float or dict, optional
        Tolerances of ``|actual − desired| ≤ atol + rtol·|desired|``; a dict keyed by dtype
        overrides per dtype.  Defaults: rtol from :data:`TOLERANCES` by the variable's dtype
        (float64 1e-5, float32 1e-3), atol = rtol × the largest |desired| value.
    directions : int
        Random unit directions v (seeded) along which ⟨grad, v⟩ is compared with the
        central difference of ``f``.
    full : int, optional
        Up to this many entries (default 32), the whole gradient is also compared entry
        by entry.
    seed : int
        Seed of the directions.
    eps : float, optional
        Step of the central differences (default: ε^(1/5) · max(1, max|x|)).

    Raises
    ------
    AssertionError
        With what was checked, the tolerances, the largest differences, and the actual
        and desired values.

    Examples
    --------
    >>> import numpy as np
    >>> def loss(X, w, y):
    ...     return np.sum((y - X @ w) ** 2)
    >>> def loss_grad(X, w, y):
    ...     return -2 * X.T @ (y - X @ w)
    >>> X, w, y = np.eye(3), np.array([1.0, 2.0, 3.0]), np.ones(3)
    >>> assert_gradient(loss, loss_grad, at=(X, w, y), wrt=1)
    >>> assert_gradient(loss, lambda X, w, y: X.T @ (y - X @ w), at=(X, w, y), wrt="w")
    Traceback (most recent call last):
    AssertionError: Gradient of loss with respect to w (argument 1, shape (3,), float64) ...
    """
    __tracebackhide__ = True
    p = _point(f, at, wrt)
    full = _sizes(directions, full, seed, 32)

    def value(x: np.ndarray, promote: bool) -> np.ndarray:
        out = p.call(f, x, promote=promote)
        if out.size != 1:
            raise ArgumentError(f"{_name(f)} returned shape {out.shape}, not a scalar: for a "
                                "function with vector values use assert_jacobian")
        return out.reshape(())

    title = (f"Gradient of {_name(f)} with respect to {_with_shape(p)} does not match "
             "central differences")
    value(p.x, False)
    ref = _reference(p, value, 1, eps)
    actual, claimed = _claimed(p, grad, p.x.shape, title)
    families = []
    if directions:
        vs = _directions(p.x.shape, directions, seed)
        families.append(_Family(
            "directional derivatives", f"along {directions} random directions (seed {seed})",
            np.array([np.sum(actual * v) for v in vs]),
            *_stack([_first(p, value, ref, v) for v in vs]),
            [f"direction {i}" for i in range(directions)]))
    if p.x.size <= full:
        families.append(_Family(
            "entries", f"(all {p.x.size})", actual.ravel(),
            *_stack([_first(p, value, ref, _basis(p.x.shape, k)) for k in range(p.x.size)]),
            [_entry(p.x.shape, k) for k in range(p.x.size)]))
    rtol_, atol_ = _tolerance(rtol, p.x.dtype, "rtol"), _tolerance(atol, p.x.dtype, "atol")
    assert rtol_ is not None
    _compare(title, families, rtol_, atol_, ref.words, claimed, [])


def assert_jacobian(f: Callable[..., Any], jac: Callable[..., Any] | Any, *, at: Any,
                    wrt: int | str = 0, rtol: Tolerance = None, atol: Tolerance = None,
                    directions: int = 4, full: int | None = None, seed: int = 0,
                    eps: float | None = None) -> None:
    """Assert that ``jac`` is the Jacobian of the array-valued function ``f``.

    The Jacobian has shape ``f(...).shape + x.shape`` (entry ``[i…, j…]`` is
    ∂f[i…]/∂x[j…]); a 2-D ``(f.size, x.size)`` array is accepted as well.  Along each
    random direction v the product J·v is compared with the central difference of ``f``;
    up to ``full`` entries of x (default 32), every column too.  The other parameters are
    those of :func:`assert_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> def softplus(x):
    ...     return np.log1p(np.exp(x))
    >>> def softplus_jac(x):
    ...     return np.diag(1 / (1 + np.exp(-x)))
    >>> assert_jacobian(softplus, softplus_jac, at=np.array([-1.0, 0.0, 2.0]))
    >>> assert_jacobian(softplus, lambda x: np.diag(np.exp(x)), at=np.array([-1.0, 0.0, 2.0]))
    Traceback (most recent call last):
    AssertionError: Jacobian of softplus with respect to x (argument 0, shape (3,), float64) ...
    """
    __tracebackhide__ = True
    p = _point(f, at, wrt)
    full = _sizes(directions, full, seed, 32)

    def value(x: np.ndarray, promote: bool) -> np.ndarray:
        return p.call(f, x, promote=promote)

    out_shape = value(p.x, False).shape
    title = (f"Jacobian of {_name(f)} with respect to {_with_shape(p)} does not match "
             "central differences")
    ref = _reference(p, value, 1, eps)
    want = out_shape + p.x.shape
    outs = int(np.prod(out_shape, dtype=int))
    actual, claimed = _claimed(p, jac, want, title, (outs, p.x.size))
    j = actual.reshape(outs, p.x.size)
    families = []
    if directions:
        vs = _directions(p.x.shape, directions, seed)
        families.append(_Family(
            "products J·v", f"along {directions} random directions (seed {seed})",
            np.concatenate([j @ v.ravel() for v in vs]),
            *_stack([_first(p, value, ref, v) for v in vs]),
            [f"direction {i}, output {_entry(out_shape, k)}" for i in range(directions)
             for k in range(outs)]))
    if p.x.size <= full:
        families.append(_Family(
            "entries", f"(all {j.size})", j.T.ravel(),
            *_stack([_first(p, value, ref, _basis(p.x.shape, k)) for k in range(p.x.size)]),
            [_entry(want, np.ravel_multi_index(
                np.unravel_index(i, out_shape) + np.unravel_index(k, p.x.shape), want))
             for k in range(p.x.size) for i in range(outs)]))
    rtol_, atol_ = _tolerance(rtol, p.x.dtype, "rtol"), _tolerance(atol, p.x.dtype, "atol")
    assert rtol_ is not None
    _compare(title, families, rtol_, atol_, ref.words, claimed, [])


def assert_hessian(f: Callable[..., Any], hess: Callable[..., Any] | Any, *, at: Any,
                   wrt: int | str = 0, rtol: Tolerance = None, atol: Tolerance = None,
                   directions: int = 4, full: int | None = None, seed: int = 0,
                   eps: float | None = None) -> None:
    """Assert that ``hess`` is the Hessian of the scalar function ``f``.

    The Hessian has shape ``x.shape + x.shape`` (a 2-D ``(x.size, x.size)`` array is
    accepted as well).  For pairs of random directions (u, v), uᵀHv is compared with the
    mixed second difference of ``f``; up to ``full`` entries of x (default 12), every
    entry H[i, j] too.  The other parameters are those of :func:`assert_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[2.0, 1.0], [0.0, 3.0]])
    >>> def quad(x):
    ...     return x @ A @ x
    >>> assert_hessian(quad, lambda x: A + A.T, at=np.array([1.0, -1.0]))
    >>> assert_hessian(quad, lambda x: 2 * A, at=np.array([1.0, -1.0]))
    Traceback (most recent call last):
    AssertionError: Hessian of quad with respect to x (argument 0, shape (2,), float64) ...
    """
    __tracebackhide__ = True
    p = _point(f, at, wrt)
    full = _sizes(directions, full, seed, 12)

    def value(x: np.ndarray, promote: bool) -> np.ndarray:
        out = p.call(f, x, promote=promote)
        if out.size != 1:
            raise ArgumentError(f"{_name(f)} returned shape {out.shape}, not a scalar: the "
                                "Hessian is of a function with scalar values")
        return out.reshape(())

    title = (f"Hessian of {_name(f)} with respect to {_with_shape(p)} does not match "
             "second differences")
    value(p.x, False)
    ref = _reference(p, value, 2, eps)
    want = p.x.shape + p.x.shape
    actual, claimed = _claimed(p, hess, want, title, (p.x.size, p.x.size))
    h = actual.reshape(p.x.size, p.x.size)
    families = []
    if directions:
        vs = _directions(p.x.shape, 2 * directions, seed)
        pairs = list(zip(vs[::2], vs[1::2], strict=True))
        families.append(_Family(
            "products uᵀHv", f"for {directions} pairs of random directions (seed {seed})",
            np.array([u.ravel() @ h @ v.ravel() for u, v in pairs]),
            *_stack([_second(p, value, ref, u, v) for u, v in pairs]),
            [f"directions {2 * i}, {2 * i + 1}" for i in range(directions)]))
    if p.x.size <= full:
        n = p.x.size
        desired, noise = np.empty((n, n)), np.empty((n, n))
        for a in range(n):
            for b in range(a, n):
                desired[a, b], noise[a, b] = _second(p, value, ref, _basis(p.x.shape, a),
                                                     _basis(p.x.shape, b))
                desired[b, a], noise[b, a] = desired[a, b], noise[a, b]
        families.append(_Family("entries", f"(all {h.size})", h.ravel(), desired.ravel(),
                                noise.ravel(),
                                [_entry(want, k) for k in range(h.size)]))
    notes = []
    asym = float(np.max(np.abs(h - h.T), initial=0.0))
    if asym > 0 and asym > 1e-3 * float(np.max(np.abs(h), initial=0.0)):
        notes.append(f"the claimed Hessian is not symmetric (largest |H − Hᵀ| = {asym:.3g}); "
                     "a Hessian of a twice continuously differentiable f is")
    rtol_, atol_ = _tolerance(rtol, p.x.dtype, "rtol"), _tolerance(atol, p.x.dtype, "atol")
    assert rtol_ is not None
    _compare(title, families, rtol_, atol_, ref.words.replace("central", "central second"),
             claimed, notes)


def _with_shape(p: _Point) -> str:
    return f"{p.label[:-1]}, shape {p.x.shape}, {p.x.dtype})" if p.label.endswith(")") else \
        f"{p.label} (shape {p.x.shape}, {p.x.dtype})"


def _entry(shape: tuple[int, ...], k: int) -> str:
    if not shape:
        return "[]"
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(k, shape)) + "]"
