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

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from .numeric import TOLERANCES, assert_gradient, assert_hessian, assert_jacobian
    from .strategies import expressions, matrices, points, scalars, vectors
    from .symbolic import assert_derivation, assert_identity

_LAZY: dict[str, str] = {
    name: module
    for module, names in {
        "numeric": "TOLERANCES assert_gradient assert_hessian assert_jacobian",
        "strategies": "expressions matrices points scalars vectors",
        "symbolic": "assert_derivation assert_identity",
    }.items()
    for name in names.split()
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = ["TOLERANCES", "assert_derivation", "assert_gradient", "assert_hessian",
           "assert_identity", "assert_jacobian", "expressions", "matrices", "points",
           "scalars", "vectors"]
