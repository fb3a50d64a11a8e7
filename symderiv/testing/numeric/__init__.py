"""Checks of users' own numeric derivative code, against central differences.

``assert_gradient(f, grad, at=(X, w, y), wrt=1)`` calls the user's ``f`` and ``grad`` at
the point ``at`` and compares ``grad`` with central differences of ``f`` with respect to
one argument (or several: ``wrt=("W", "b")``): along a few seeded random directions
(cheap at any size), and entry by entry when the variable is small or ``f`` is cheap
enough to difference every entry within a time budget.  ``assert_jacobian`` and
``assert_hessian`` do the same for a vector-valued ``f`` and for second derivatives;
``assert_vjp``, ``assert_jvp`` and ``assert_hvp`` check the products autodiff code
computes (vector-Jacobian, Jacobian-vector, Hessian-vector) along seeded random
cotangents and tangents.  Each ``assert_*`` has a ``check_*`` twin that returns the
:class:`~symderiv.testing.report.NumericReport` instead of raising.

The differences follow Ridders' method (:mod:`symderiv.testing.differences`); their
estimated error, and the rounding of ``f``'s values, are allowed for in the comparison.

float32: the differences are taken with the arguments promoted to float64 whenever ``f``
then computes in float64; and a claimed derivative computed by code that follows its
arguments' dtype is judged as that code computes it from float64 arguments (its float32
result must be finite where that one is).  Code that casts to float32 inside is judged
in float32, with float32's tolerance.

Complex parameters (``assert_gradient`` of a real-valued ``f``): the gradient with
respect to z is ∂f/∂Re z + i·∂f/∂Im z (= 2·∂f/∂z̄), the convention of PyTorch and
TensorFlow; ``jax.grad`` returns its complex conjugate.

Here the assertions; :mod:`.run` drives every check (the point, f's values, the claim,
the budget, the report), and each kind of check is a table entry there with its own
body: :mod:`.first` for gradients, Jacobians, vjp and jvp, :mod:`.second` for Hessians
and hvp.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..report import TOLERANCES, NumericReport, Tolerance
from .first import (
    check_gradient_numeric,
    check_jacobian_numeric,
    check_jvp_numeric,
    check_vjp_numeric,
)
from .run import BUDGET
from .second import check_hessian_numeric, check_hvp_numeric

__all__ = ["TOLERANCES", "NumericReport", "assert_gradient", "assert_hessian", "assert_hvp",
           "assert_jacobian", "assert_jvp", "assert_vjp", "check_gradient_numeric",
           "check_hessian_numeric", "check_hvp_numeric", "check_jacobian_numeric",
           "check_jvp_numeric", "check_vjp_numeric"]


# -- the assertions ---------------------------------------------------------------------------
def _raise(report: NumericReport) -> None:
    __tracebackhide__ = True
    if not report.passed:
        raise AssertionError(report.text)


def assert_gradient(f: Callable[..., Any], grad: Callable[..., Any] | Any, *, at: Any,
                    wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                    directions: int = 4, full: int | None = None, seed: int = 0,
                    eps: float | None = None, budget: float = BUDGET) -> None:
    """Assert that ``grad`` is the gradient of the scalar function ``f``.

    ``f(*at)`` (``f(**at)`` for a dict) must return a real scalar; ``grad`` is a function
    of the same arguments returning the gradient with respect to argument ``wrt`` (its
    position, or its name), in that argument's shape — or the gradient's value itself.

    Parameters
    ----------
    at : tuple, dict or array
        The arguments of ``f`` and ``grad``.  They are not changed.
    wrt : int, str, or a tuple of them
        Which argument is the variable: its position in ``at`` or its name.  Several
        (``wrt=("W", "b")``): ``grad`` returns a tuple in that order, or a dict by name.
        An argument that is a dict or a tuple of arrays (``params``) is a variable with
        parts: ``grad`` returns the same container.  A complex argument: the gradient is
        ∂f/∂Re z + i·∂f/∂Im z (= 2·∂f/∂z̄, PyTorch's convention; ``jax.grad`` returns its
        conjugate).
    rtol, atol : float or dict, optional
        A value passes when ``|actual − desired| ≤ atol + rtol·|desired| + e``, e the
        estimated error of the differences.  rtol defaults by the dtype the claim is
        judged in (:data:`TOLERANCES`: float64 1e-5, float32 1e-3); atol to 256ε × the
        largest |desired|.  A dict keyed by dtype overrides per dtype.
    directions : int
        Random unit directions v (seeded) along which ⟨grad, v⟩ is compared with the
        central difference of ``f``.
    full : int, optional
        Up to this many entries (default 32), the whole gradient is also compared entry
        by entry, whatever it costs.
    seed : int
        Seed of the directions.
    eps : float, optional
        The first step of the differences (default 0.1, or 0.1·(1 + log s) for x's size
        s beyond 1); Ridders' method then halves it until the answer is accurate or
        rounding takes over.  A step where ``f`` is not finite or raises is inadmissible:
        the step shrinks.
    budget : float
        Seconds (default 0.5) that comparing every entry may take beyond ``full``
        entries, estimated from the measured cost of the directions; 0 turns it off.
        When the entries are not all compared, the message says what the directions
        alone may miss.

    Raises
    ------
    AssertionError
        With what was checked, the tolerances, the largest differences, and the actual
        and desired values in the gradient's shape (the layout of
        :func:`check_gradient_numeric`'s report, which returns instead).
    ArgumentError
        Bad arguments, or an ``f`` that is not a finite real number at the point.

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

    Several parameters at once, and a complex one:

    >>> def layer(W, b, x):
    ...     return np.sum(np.tanh(W @ x + b))
    >>> def layer_grad(W, b, x):
    ...     s = 1 - np.tanh(W @ x + b) ** 2
    ...     return np.outer(s, x), s
    >>> W, b, x = np.ones((2, 3)) / 4, np.zeros(2), np.array([1.0, -1.0, 2.0])
    >>> assert_gradient(layer, layer_grad, at=(W, b, x), wrt=("W", "b"))
    >>> assert_gradient(lambda z: np.sum(np.abs(z) ** 2), lambda z: 2 * z,
    ...                 at=np.array([1 + 2j, -0.5j]))
    """
    __tracebackhide__ = True
    _raise(check_gradient_numeric(f, grad, at=at, wrt=wrt, rtol=rtol, atol=atol,
                                  directions=directions, full=full, seed=seed, eps=eps,
                                  budget=budget))


def assert_jacobian(f: Callable[..., Any], jac: Callable[..., Any] | Any, *, at: Any,
                    wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                    directions: int = 4, full: int | None = None, seed: int = 0,
                    eps: float | None = None, budget: float = BUDGET) -> None:
    """Assert that ``jac`` is the Jacobian of the array-valued function ``f``.

    The Jacobian has shape ``f(...).shape + x.shape`` (entry ``[i…, j…]`` is
    ∂f[i…]/∂x[j…]); a 2-D ``(f.size, x.size)`` array is accepted as well (for several
    variables, a tuple or dict of such arrays).  Along each random direction v the product
    J·v is compared with the central difference of ``f``; up to ``full`` entries of x
    (default 32), or within ``budget``, every column too.  The other parameters are those
    of :func:`assert_gradient`.

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
    _raise(check_jacobian_numeric(f, jac, at=at, wrt=wrt, rtol=rtol, atol=atol,
                                  directions=directions, full=full, seed=seed, eps=eps,
                                  budget=budget))


def assert_hessian(f: Callable[..., Any], hess: Callable[..., Any] | Any, *, at: Any,
                   wrt: Any = 0, rtol: Tolerance = None, atol: Tolerance = None,
                   directions: int = 4, full: int | None = None, seed: int = 0,
                   eps: float | None = None, budget: float = BUDGET) -> None:
    """Assert that ``hess`` is the Hessian of the scalar function ``f``.

    The Hessian has shape ``x.shape + x.shape`` (a 2-D ``(x.size, x.size)`` array is
    accepted as well).  For several variables (``wrt=("W", "b")``) it is given in blocks,
    ``hess(...)[a][b]`` of shape ``a.shape + b.shape`` — the cross-derivatives ∂²f/∂W∂b
    included — as nested tuples or dicts (as ``jax.hessian`` returns them), or as one
    (n, n) array over all entries in order.  For pairs of random directions (u, v), uᵀHv
    is compared with the mixed second difference of ``f``, extrapolated the same way; up
    to ``full`` entries of x (default 12), or within ``budget``, every entry H[i, j] too.
    The other parameters are those of :func:`assert_gradient`.

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
    _raise(check_hessian_numeric(f, hess, at=at, wrt=wrt, rtol=rtol, atol=atol,
                                 directions=directions, full=full, seed=seed, eps=eps,
                                 budget=budget))


def assert_vjp(f: Callable[..., Any], vjp: Callable[..., Any], *, at: Any, wrt: Any = 0,
               rtol: Tolerance = None, atol: Tolerance = None, directions: int = 4,
               full: int | None = None, seed: int = 0, eps: float | None = None,
               budget: float = BUDGET) -> None:
    """Assert that ``vjp`` computes vector-Jacobian products cᵀJ of ``f``.

    ``vjp`` takes the arguments of ``f`` followed by a cotangent c of ``f``'s output
    shape (``vjp(*at, c)``, ``vjp(c, **at)`` for a dict) and returns cᵀJ — the gradient
    of ⟨c, f⟩ — in the variables' shape (a tuple or dict for several, as for
    :func:`assert_gradient`).  For ``directions`` seeded random unit cotangents c and as
    many random directions u, ⟨vjp(c), u⟩ is compared with ⟨c, ·⟩ of the central
    difference of ``f`` along u; up to ``full`` entries (default 32), or within
    ``budget``, every entry of each vjp(c) too.  The other parameters are those of
    :func:`assert_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> def f(x):
    ...     return np.sin(A @ x)
    >>> def f_vjp(x, c):
    ...     return A.T @ (np.cos(A @ x) * c)
    >>> assert_vjp(f, f_vjp, at=np.array([0.1, -0.2]))
    >>> assert_vjp(f, lambda x, c: A.T @ c, at=np.array([0.1, -0.2]))
    Traceback (most recent call last):
    AssertionError: Vector-Jacobian products of f with respect to x (argument 0, ...
    """
    __tracebackhide__ = True
    _raise(check_vjp_numeric(f, vjp, at=at, wrt=wrt, rtol=rtol, atol=atol,
                             directions=directions, full=full, seed=seed, eps=eps,
                             budget=budget))


def assert_jvp(f: Callable[..., Any], jvp: Callable[..., Any], *, at: Any, wrt: Any = 0,
               rtol: Tolerance = None, atol: Tolerance = None, directions: int = 4,
               full: int | None = None, seed: int = 0, eps: float | None = None,
               budget: float = BUDGET) -> None:
    """Assert that ``jvp`` computes Jacobian-vector products J·v of ``f``.

    ``jvp`` takes the arguments of ``f`` followed by a tangent v in the variables' shape
    (a tuple for several; ``jvp(*at, v)``) and returns J·v in ``f``'s output shape.  For
    ``directions`` seeded random unit tangents, J·v is compared with the central
    difference of ``f`` along v; up to ``full`` entries (default 32), or within
    ``budget``, every column J·e_k too.  The other parameters are those of
    :func:`assert_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> def polar(r):
    ...     return np.array([r[0] * np.cos(r[1]), r[0] * np.sin(r[1])])
    >>> def polar_jvp(r, v):
    ...     c, s = np.cos(r[1]), np.sin(r[1])
    ...     return np.array([c * v[0] - r[0] * s * v[1], s * v[0] + r[0] * c * v[1]])
    >>> assert_jvp(polar, polar_jvp, at=np.array([2.0, 0.5]))
    >>> assert_jvp(polar, lambda r, v: polar_jvp(r, v[::-1]), at=np.array([2.0, 0.5]))
    Traceback (most recent call last):
    AssertionError: Jacobian-vector products of polar with respect to r ...
    """
    __tracebackhide__ = True
    _raise(check_jvp_numeric(f, jvp, at=at, wrt=wrt, rtol=rtol, atol=atol,
                             directions=directions, full=full, seed=seed, eps=eps,
                             budget=budget))


def assert_hvp(f: Callable[..., Any], hvp: Callable[..., Any], *, at: Any, wrt: Any = 0,
               rtol: Tolerance = None, atol: Tolerance = None, directions: int = 4,
               full: int | None = None, seed: int = 0, eps: float | None = None,
               budget: float = BUDGET) -> None:
    """Assert that ``hvp`` computes Hessian-vector products H·v of the scalar ``f``.

    ``hvp`` takes the arguments of ``f`` followed by a tangent v in the variables' shape
    (``hvp(*at, v)``) and returns H·v in the variables' shape.  For ``directions`` seeded
    random unit tangents, every vⱼᵀ(H·vᵢ) is compared with the mixed second difference of
    ``f`` along vᵢ and vⱼ; up to ``full`` entries (default 12), or within ``budget``,
    every entry of each H·vᵢ too (against the second difference along e_k and vᵢ).  The
    other parameters are those of :func:`assert_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> def f(x):
    ...     return np.sum(x ** 4) / 4
    >>> assert_hvp(f, lambda x, v: 3 * x**2 * v, at=np.array([1.0, -2.0, 0.5]))
    >>> assert_hvp(f, lambda x, v: 3 * x**2, at=np.array([1.0, -2.0, 0.5]))
    Traceback (most recent call last):
    AssertionError: Hessian-vector products of f with respect to x (argument 0, ...
    """
    __tracebackhide__ = True
    _raise(check_hvp_numeric(f, hvp, at=at, wrt=wrt, rtol=rtol, atol=atol,
                             directions=directions, full=full, seed=seed, eps=eps,
                             budget=budget))
