"""symderiv in your own test suite: Hypothesis strategies, assertions, a pytest plugin.

* :mod:`.strategies` — scalars, vectors and matrices (symmetric, positive definite,
  invertible with a bounded condition number, orthogonal, diagonal) as NumPy arrays,
  points for a list of declarations, and random well-shaped matrix expressions;
* :mod:`.numeric` — ``assert_gradient``, ``assert_jacobian``, ``assert_hessian`` and the
  products ``assert_vjp``, ``assert_jvp``, ``assert_hvp`` for your own NumPy or autodiff
  code, against central differences; each with a ``check_*`` twin that returns a
  :class:`NumericReport` instead of raising;
* :mod:`.symbolic` — ``assert_identity`` and ``assert_derivation`` for claims on paper;
* :mod:`.plugin` — ``pytest --symderiv`` checks every derivation document as test items.

The names load their module on first use: pytest imports the plugin (a submodule) in
every session, and it must not pay for NumPy, Hypothesis or SymPy.
"""

import typing as _typing

from .._lazy import lazy_names as _lazy_names

if _typing.TYPE_CHECKING:
    from .numeric import (
        TOLERANCES,
        NumericReport,
        assert_gradient,
        assert_hessian,
        assert_hvp,
        assert_jacobian,
        assert_jvp,
        assert_vjp,
        check_gradient_numeric,
        check_hessian_numeric,
        check_hvp_numeric,
        check_jacobian_numeric,
        check_jvp_numeric,
        check_vjp_numeric,
    )
    from .strategies import expressions, matrices, points, scalars, vectors
    from .symbolic import assert_derivation, assert_identity

__getattr__, __dir__ = _lazy_names(__name__, globals(), {
    "numeric": "TOLERANCES NumericReport assert_gradient assert_hessian assert_hvp "
               "assert_jacobian assert_jvp assert_vjp check_gradient_numeric "
               "check_hessian_numeric check_hvp_numeric check_jacobian_numeric "
               "check_jvp_numeric check_vjp_numeric",
    "strategies": "expressions matrices points scalars vectors",
    "symbolic": "assert_derivation assert_identity",
})

__all__ = ["TOLERANCES", "NumericReport", "assert_derivation", "assert_gradient",
           "assert_hessian", "assert_hvp", "assert_identity", "assert_jacobian", "assert_jvp",
           "assert_vjp", "check_gradient_numeric", "check_hessian_numeric",
           "check_hvp_numeric", "check_jacobian_numeric", "check_jvp_numeric",
           "check_vjp_numeric", "expressions", "matrices", "points", "scalars", "vectors"]
