"""symderiv — check hand derivations by machine, with evidence.

>>> import symderiv
>>> v = symderiv.check_gradient("norm(y - X @ w)**2", wrt="w",
...                             claim="-2 * X.T @ y + X.T @ X @ w", let="X: m x n; y: m; w: n")
>>> v.outcome
'fails'
"""

# The engines import SymPy (about half a second): the names below are imported on first
# use, so `import symderiv` — and the pytest plugin, which pytest loads in every session of
# an environment where symderiv is installed — stay cheap.
import typing as _typing

from ._lazy import lazy_names as _lazy_names
from .errors import (
    ArgumentError,
    DeclarationError,
    EvaluationError,
    InputTooLargeError,
    ParseError,
    ShapeError,
    StepError,
    SymderivError,
    UndefinedOperation,
    UnsupportedError,
)

if _typing.TYPE_CHECKING:
    from .check import (
        Result,
        check_entries,
        check_equal,
        check_gradient,
        check_hessian,
        gradient,
        hessian,
    )
    from .definitions import (
        INF,
        NEG_INF,
        Comparison,
        Division,
        ExponentDerivation,
        ExtendedReal,
        Limit,
        LimitCheck,
        LimitGame,
        check_limit,
        check_power_claim,
        compare,
        divide,
        is_real,
        make_limit,
        natural_extension,
    )
    from .derivation import (
        Derivation,
        DerivationReport,
        DerivationStep,
        read_derivations,
        verify_derivation,
        verify_document,
    )
    from .explain import Explanation, explain_gradient, explain_hessian
    from .parse import parse_declarations, parse_expression, parse_latex
    from .space import Declaration, Space
    from .verdict import Counterexample, Diagnosis, Evidence, Verdict

__getattr__, __dir__ = _lazy_names(__name__, globals(), {
    "check": "Result check_entries check_equal check_gradient check_hessian gradient hessian",
    "definitions": (
        "INF NEG_INF Comparison Division ExponentDerivation ExtendedReal Limit LimitCheck "
        "LimitGame check_limit check_power_claim compare divide is_real make_limit "
        "natural_extension"
    ),
    "derivation": (
        "Derivation DerivationReport DerivationStep read_derivations verify_derivation "
        "verify_document"
    ),
    "explain": "Explanation explain_gradient explain_hessian",
    "parse": "parse_declarations parse_expression parse_latex",
    "space": "Declaration Space",
    "verdict": "Counterexample Diagnosis Evidence Verdict",
})

__version__ = "0.1.0"

__all__ = [
    "INF",
    "NEG_INF",
    "ArgumentError",
    "Comparison",
    "Counterexample",
    "Declaration",
    "DeclarationError",
    "Derivation",
    "DerivationReport",
    "DerivationStep",
    "Diagnosis",
    "Division",
    "EvaluationError",
    "Evidence",
    "Explanation",
    "ExponentDerivation",
    "ExtendedReal",
    "InputTooLargeError",
    "Limit",
    "LimitCheck",
    "LimitGame",
    "ParseError",
    "Result",
    "ShapeError",
    "Space",
    "StepError",
    "SymderivError",
    "UndefinedOperation",
    "UnsupportedError",
    "Verdict",
    "__version__",
    "check_entries",
    "check_equal",
    "check_gradient",
    "check_hessian",
    "check_limit",
    "check_power_claim",
    "compare",
    "divide",
    "explain_gradient",
    "explain_hessian",
    "gradient",
    "hessian",
    "is_real",
    "make_limit",
    "natural_extension",
    "parse_declarations",
    "parse_expression",
    "parse_latex",
    "read_derivations",
    "verify_derivation",
    "verify_document",
]
