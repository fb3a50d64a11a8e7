"""symderiv in your own test suite: Hypothesis strategies, assertions, a pytest plugin.

* :mod:`.strategies` — scalars, vectors and matrices (symmetric, positive definite,
  invertible with a bounded condition number, orthogonal, diagonal) as NumPy arrays,
  points for a list of declarations, and random well-shaped matrix expressions;
* :mod:`.numeric` — ``assert_gradient``, ``assert_jacobian``, ``assert_hessian`` for
  your own NumPy code, against central differences;
* :mod:`.symbolic` — ``assert_identity`` and ``assert_derivation`` for claims on paper;
* :mod:`.plugin` — ``pytest --symderiv`` checks every derivation document as test items.

The names load their module on first use: pytest imports the plugin (a submodule) in
every session, and it must not pay for NumPy, Hypothesis or SymPy.
"""

import typing as _typing

from .._lazy import lazy_names as _lazy_names

if _typing.TYPE_CHECKING:
    from .numeric import TOLERANCES, assert_gradient, assert_hessian, assert_jacobian
    from .strategies import expressions, matrices, points, scalars, vectors
    from .symbolic import assert_derivation, assert_identity

__getattr__, __dir__ = _lazy_names(__name__, globals(), {
    "numeric": "TOLERANCES assert_gradient assert_hessian assert_jacobian",
    "strategies": "expressions matrices points scalars vectors",
    "symbolic": "assert_derivation assert_identity",
})

__all__ = ["TOLERANCES", "assert_derivation", "assert_gradient", "assert_hessian",
           "assert_identity", "assert_jacobian", "expressions", "matrices", "points",
           "scalars", "vectors"]
