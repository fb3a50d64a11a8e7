"""The numpy-like expression language, parsed with :mod:`ast` under a whitelist.

``x.T @ A @ x``, ``norm(y - X @ w)**2``, ``sum((y - (w0 + w1*x))**2)``,
``logdet(S)``.  Operators have NumPy's meaning: ``@`` is the matrix product,
``* / **`` are elementwise with scalars broadcast, vectors are 1-D (``x.T`` is
``x``; ``u @ v`` is a scalar), and a declared ``n x 1`` matrix is a column.

Nothing here calls ``eval`` or ``sympify`` on user text: :func:`ast.parse`
builds a syntax tree, and only the node types listed in ``_visit_*`` are
accepted — anything else (attribute access other than ``.T``, subscripts,
lambdas, keyword arguments, strings…) is rejected with its column.

Results are SymPy matrix expressions with known shapes: a scalar is a SymPy
``Expr`` (a ``1×1`` product is wrapped in ``Trace``), a vector an ``n×1``
``MatrixExpr``, a matrix an ``m×n`` one.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
import warnings
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from ..calculus.functions import BY_NAME, TABLE, elementwise
from ..calculus.largest import Largest
from ..errors import InputTooLargeError, ParseError, ShapeError
from ..forms import is_nonnegative
from ..space import MAX_CONCRETE_DIM, Kind, Space

__all__ = ["FUNCTIONS", "Parsed", "TypedBuilder", "checked_input", "exponent_too_large",
           "matmul_expr", "parse_expression", "shape_words", "to_scalar"]

MAX_LENGTH = 4000
MAX_DEPTH = 60
MAX_EXPONENT = 64
MAX_CONSTANT = 10**15
MAX_PIECEWISE_DEPTH = 6

#: The functions of the language: name -> one-line description (for --help and errors).
FUNCTIONS: dict[str, str] = {
    "trace": "trace(M): sum of the diagonal of a square matrix",
    "det": "det(M): determinant of a square matrix",
    "logdet": "logdet(M): log of the determinant",
    "inv": "inv(M): matrix inverse (1/s for a scalar)",
    "pinv": "pinv(X): pseudo-inverse of X declared full column rank, full row rank or "
            "invertible",
    "norm": "norm(v): Euclidean norm of a vector (Frobenius for a matrix)",
    "exp": "exp(.): exponential, elementwise on arrays",
    "log": "log(.): natural logarithm, elementwise on arrays",
    "sqrt": "sqrt(.): square root, elementwise on arrays",
    "sum": "sum(.): sum of all entries",
    "outer": "outer(u, v): outer product u vᵀ of two vectors",
    "eye": "eye(n): the n×n identity matrix",
    "ones": "ones(n) or ones(m, n): the all-ones vector or matrix",
    "diag": "diag(v): the diagonal matrix with v on its diagonal; diag(M): M's diagonal",
    "diff": "diff(e, s): the derivative of e by the scalar s (entry by entry for arrays)",
    "grad": "grad(f, v): the gradient of the scalar f with respect to v (v's shape)",
    **{f.name: f.summary for f in TABLE if not f.internal},
    **{alias: f.summary for f in TABLE for alias in f.aliases},
    "maximum": "maximum(a, b): the larger of a and b, elementwise (a scalar broadcasts)",
    "minimum": "minimum(a, b): the smaller of a and b, elementwise (a scalar broadcasts)",
    "where": "where(p < q, a, b): a where the comparison holds, else b, elementwise "
             "(<, <=, >, >=)",
    "softmax": "softmax(z): exp(z) / sum(exp(z)) for a vector z",
    "log_softmax": "log_softmax(z): z - logsumexp(z), for a vector z",
    "logsumexp": "logsumexp(z): log(sum(exp(z))), over all entries",
    "max": "max(v): the largest entry (not differentiable where two entries tie)",
    "min": "min(v): the smallest entry, -max(-v)",
}

#: Python's operators the language leaves out, as written (ast names them by class)
_OPERATOR_TEXT: dict[str, str] = {
    "BitXor": "^", "BitAnd": "&", "BitOr": "|", "FloorDiv": "//", "Mod": "%", "LShift": "<<",
    "RShift": ">>", "Invert": "~", "Not": "not"}

#: The number of arguments of each function that takes other than one.
_ARITY: dict[str, tuple[int, ...]] = {
    "outer": (2,), "ones": (1, 2), "diff": (2,), "grad": (2,), "norm": (1, 2),
    "maximum": (2,), "minimum": (2,), "where": (3,), "heaviside": (1, 2)}


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed expression: the SymPy object, its kind and its dimensions."""

    expr: sp.Basic
    kind: Kind
    dims: tuple[sp.Expr, ...]
    text: str = ""

    @property
    def shape_text(self) -> str:
        return "scalar" if self.kind == "scalar" else "×".join(str(d) for d in self.dims)


def to_scalar(m: sp.MatrixExpr) -> sp.Expr:
    """A ``1×1`` matrix expression as a scalar (its trace)."""
    return sp.Trace(m)


def shape_words(kind: str, dims: tuple) -> str:
    """'a scalar', 'a vector of length n', 'an m×n matrix' (said 'em by en')."""
    if kind == "scalar":
        return "a scalar"
    if kind == "vector":
        return f"a vector of length {dims[0]}"
    shown = "×".join(map(str, dims))
    article = "an" if shown[:1].lower() in "aefhilmnorsx8" else "a"
    return f"{article} {shown} matrix"


def matmul_expr(*factors: sp.Basic) -> sp.MatrixExpr:
    """A flat product (``-2*X.T*y``, not ``(-2*X.T)*y``): nested products are merged.

    Nothing cancels here — inv(A) @ A stays, so that it is undefined where A is singular.
    """
    flat: list[sp.Basic] = []
    for f in factors:
        flat.extend(f.args if isinstance(f, sp.MatMul) else (f,))
    scalars = [f for f in flat if not isinstance(f, sp.MatrixExpr)]
    mats = [f for f in flat if isinstance(f, sp.MatrixExpr)]
    coeff = sp.Mul(*scalars)
    return sp.MatMul(*([coeff] if coeff != 1 else []), *mats)


#: undeclared names a reader takes for a known constant, not the arbitrary real number an
#: undeclared name stands for: e**x would be checked as cˣ for every c, A + I as A + c·𝟙
CONVENTIONAL: dict[str, str] = {
    "e": "Euler's number: write exp(1), or exp(x) for eˣ",
    "E": "Euler's number: write exp(1), or exp(x) for eˣ",
    "I": "the identity matrix: write eye(n) with its size",
}

_EXPONENT = re.compile(r"[eE][+-]?([0-9_]+)[jJ]?\Z")


def exponent_too_large(literal: str) -> bool:
    """Whether a number literal's decimal exponent has more than four digits: the exact
    value of 1e-99999999 (Fraction computes 10**99999999) takes minutes and gigabytes."""
    m = _EXPONENT.search(literal)
    decimal = literal.lstrip("+-")[:2].lower() not in ("0x", "0o", "0b")  # 0x1e5 is hex
    return decimal and m is not None and len(m.group(1).replace("_", "").lstrip("0")) > 4


def _is_zero_matrix(e: sp.Basic) -> bool:
    return isinstance(e.doit(), sp.ZeroMatrix)


def _one(x: object) -> bool:
    return x == 1


class TypedBuilder:
    def __init__(self, text: str, space: Space) -> None:
        self.text = text
        self.space = space
        self.names: set[str] = set()
        self.piecewise_depth = 0
        self._byte_text = text.encode("utf-8")

    # -- locations -------------------------------------------------------------
    def col(self, node: ast.AST) -> int | None:
        off = getattr(node, "col_offset", None)
        if off is None:
            return None
        return len(self._byte_text[:off].decode("utf-8", errors="replace")) + 1

    def src(self, node: ast.AST) -> str:
        seg = ast.get_source_segment(self.text, node)
        return seg if seg is not None else ast.dump(node)[:40]

    def error(self, message: str, node: ast.AST, cls: type[ParseError] = ParseError) -> ParseError:
        return cls(message, source=self.text, col=self.col(node))

    # -- typed construction -----------------------------------------------------
    def typed(self, expr: sp.Basic, kind: Kind, dims: tuple) -> Parsed:
        # numpy semantics: a 1×1 result of @ between columns behaves as a scalar
        if kind == "matrix" and _one(dims[0]) and _one(dims[1]):
            return Parsed(to_scalar(expr), "scalar", ())
        return Parsed(expr, kind, dims)

    def shape_words(self, p: Parsed, node: ast.AST) -> str:
        return f"{self.src(node)!r} is {shape_words(p.kind, p.dims)}"

    def visit(self, node: ast.AST, depth: int = 0) -> Parsed:
        if depth > MAX_DEPTH:
            raise self.error(f"expression nested deeper than {MAX_DEPTH} levels", node,
                             InputTooLargeError)
        method = getattr(self, f"_visit_{type(node).__name__}", None)
        if method is None:
            raise self.error(self._not_allowed(node), node)
        try:
            result = method(node, depth + 1)
        # SymPy's automatic simplification fails on some products it builds itself
        # (log(3)·√(det(√2·A + A − Aᵀ)²): "Input to Determinant, … not a matrix")
        except (TypeError, AttributeError, NotImplementedError) as exc:
            # (its message names its classes: not repeated)
            raise self.error(f"cannot build {self.src(node)!r}: SymPy fails on it "
                             f"({type(exc).__name__})", node) from None
        self._check_value(result, node)
        return result

    def _check_value(self, p: Parsed, node: ast.AST) -> None:
        """Constants must be finite reals; powers (after SymPy combines them) stay bounded."""
        e = p.expr
        if p.kind == "scalar" and e.is_number and (e.is_finite is False
                                                   or e.is_extended_real is False
                                                   or e.has(sp.zoo, sp.nan)):
            raise self.error(f"{self.src(node)!r} is undefined (not a finite real number)",
                             node)
        for power in e.atoms(sp.Pow):
            ex = power.exp
            if ex.is_number and abs(ex) > MAX_EXPONENT:
                raise self.error(f"exponent {ex} in {self.src(node)!r} is too large "
                                 f"(limit {MAX_EXPONENT})", node, InputTooLargeError)

    @staticmethod
    def _not_allowed(node: ast.AST) -> str:
        kind = type(node).__name__
        hints = {
            "Subscript": "indexing is not part of the language",
            "Attribute": "only '.T' (transpose) may follow a name",
            "IfExp": "write where(p > q, a, b) for an expression with two branches",
            "Lambda": "lambdas are not allowed",
            "BoolOp": "boolean operators are not allowed",
            "List": "literal lists are not allowed; declare a symbol instead",
            "Tuple": "tuples are not allowed",
            "Call": "only the functions " + ", ".join(FUNCTIONS) + " can be called",
            "NamedExpr": "assignment is not allowed",
        }
        return hints.get(kind, f"{kind} is not allowed in an expression")

    # -- leaves -------------------------------------------------------------------
    def _visit_Expression(self, node: ast.Expression, depth: int) -> Parsed:
        return self.visit(node.body, depth)

    def _visit_Constant(self, node: ast.Constant, depth: int) -> Parsed:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self.error(f"{self.src(node)} is not a number", node)
        if (isinstance(v, float) and v != v) or v in (float("inf"), float("-inf")):
            raise self.error("non-finite numbers are not allowed", node)
        if abs(v) > MAX_CONSTANT:
            raise self.error(f"constant {self.src(node)} is too large (limit 1e15)", node,
                             InputTooLargeError)
        if isinstance(v, float) and exponent_too_large(self.src(node)):  # 1e-99999999 is 0.0
            raise self.error(f"constant {self.src(node)} is too small (limit 1e-15)", node,
                             InputTooLargeError)
        # exact decimal value of the literal as written: 0.1 means 1/10
        frac = Fraction(self.src(node)) if isinstance(v, float) else Fraction(v)
        if frac and (frac.denominator > MAX_CONSTANT or abs(frac) < Fraction(1, MAX_CONSTANT)):
            raise self.error(f"constant {self.src(node)} is too small or too finely given "
                             "(limit 1e-15)", node, InputTooLargeError)
        return Parsed(sp.Rational(frac.numerator, frac.denominator), "scalar", ())

    def _visit_Name(self, node: ast.Name, depth: int) -> Parsed:
        name = node.id
        if name.startswith("_"):
            raise self.error(f"name {name!r} is not allowed (names cannot start with '_')", node)
        if name in FUNCTIONS:
            raise self.error(f"{name!r} is a function; call it as {name}(...)", node)
        if not name.isascii():
            raise self.error(f"name {name!r} must be ASCII", node)
        if name == "pi" and name not in self.space.declarations:
            return Parsed(sp.pi, "scalar", ())  # as NumPy's pi (declare pi to use the name)
        if name in CONVENTIONAL and name not in self.space.declarations:
            raise self.error(f"{name!r} is not declared; if you mean {CONVENTIONAL[name]} "
                             f"(or declare '{name}: scalar' for an arbitrary number)", node)
        self.names.add(name)
        decl = self.space.get(name)
        return Parsed(self.space.symbol(name), decl.kind, decl.dims)

    def _visit_Attribute(self, node: ast.Attribute, depth: int) -> Parsed:
        if node.attr == "pi" and _dotted(node) in ("np.pi", "numpy.pi", "math.pi", "jnp.pi"):
            return Parsed(sp.pi, "scalar", ())
        if node.attr != "T":
            raise self.error(f"'.{node.attr}' is not allowed: only '.T' (transpose) is", node)
        inner = self.visit(node.value, depth)
        if inner.kind == "matrix":
            return Parsed(sp.Transpose(inner.expr), "matrix",
                          (inner.dims[1], inner.dims[0]))
        return inner  # 1-D vectors and scalars: .T changes nothing (as in NumPy)

    # -- operators ---------------------------------------------------------------
    def _visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> Parsed:
        inner = self.visit(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return Parsed(-inner.expr, inner.kind, inner.dims)
        if isinstance(node.op, ast.UAdd):
            return inner
        raise self.error(f"operator '{_OPERATOR_TEXT[type(node.op).__name__]}' is not allowed",
                         node)

    def _visit_BinOp(self, node: ast.BinOp, depth: int) -> Parsed:
        left = self.visit(node.left, depth)
        right = self.visit(node.right, depth)
        op = type(node.op).__name__
        handler = getattr(self, f"_op_{op}", None)
        if handler is None:
            hint = "write a**b for a power" if op == "BitXor" else "use + - * / ** @"
            raise self.error(f"operator '{_OPERATOR_TEXT[op]}' is not allowed ({hint})", node)
        return handler(node, left, right)

    def _same_shape(self, node: ast.BinOp, a: Parsed, b: Parsed, sym: str) -> None:
        if a.kind != b.kind or a.dims != b.dims:
            raise self.error(
                f"shapes do not match for '{sym}': {self.shape_words(a, node.left)}, "
                f"{self.shape_words(b, node.right)}", node.right if b.kind != "scalar" else node,
                ShapeError)

    def _broadcast(self, s: Parsed, like: Parsed) -> sp.MatrixExpr:
        rows, cols = (like.dims[0], 1) if like.kind == "vector" else like.dims
        return s.expr * sp.OneMatrix(rows, cols)

    def _op_Add(self, node: ast.BinOp, a: Parsed, b: Parsed, sign: int = 1) -> Parsed:
        sym = "+" if sign == 1 else "-"
        if a.kind == "scalar" and b.kind == "scalar":
            return Parsed(a.expr + sign * b.expr, "scalar", ())
        if a.kind == "scalar":
            return Parsed(sp.MatAdd(self._broadcast(a, b), sign * b.expr), b.kind, b.dims)
        if b.kind == "scalar":
            return Parsed(sp.MatAdd(a.expr, sign * self._broadcast(b, a)), a.kind, a.dims)
        self._same_shape(node, a, b, sym)
        return Parsed(sp.MatAdd(a.expr, sign * b.expr), a.kind, a.dims)

    def _op_Sub(self, node: ast.BinOp, a: Parsed, b: Parsed) -> Parsed:
        return self._op_Add(node, a, b, sign=-1)

    def _op_Mult(self, node: ast.BinOp, a: Parsed, b: Parsed) -> Parsed:
        if a.kind == "scalar" or b.kind == "scalar":
            kind, dims = (b.kind, b.dims) if a.kind == "scalar" else (a.kind, a.dims)
            return Parsed(a.expr * b.expr, kind, dims)
        self._same_shape(node, a, b, "*")
        return Parsed(sp.HadamardProduct(a.expr, b.expr), a.kind, a.dims)

    def _op_Div(self, node: ast.BinOp, a: Parsed, b: Parsed) -> Parsed:
        if b.kind == "scalar":
            if b.expr == 0:
                raise self.error("division by zero", node.right)
            if a.kind == "scalar":
                return Parsed(a.expr / b.expr, "scalar", ())
            return Parsed(a.expr * (1 / b.expr), a.kind, a.dims)
        inv_b = sp.HadamardPower(b.expr, -1)
        if a.kind == "scalar":
            return Parsed(a.expr * inv_b, b.kind, b.dims)
        self._same_shape(node, a, b, "/")
        return Parsed(sp.HadamardProduct(a.expr, inv_b), a.kind, a.dims)

    def _op_Pow(self, node: ast.BinOp, a: Parsed, b: Parsed) -> Parsed:
        if b.kind != "scalar":
            raise self.error("the exponent must be a scalar", node.right, ShapeError)
        if b.expr.is_number and abs(b.expr) > MAX_EXPONENT:
            raise self.error(f"exponent {self.src(node.right)} is too large "
                             f"(limit {MAX_EXPONENT})", node.right, InputTooLargeError)
        if a.kind == "scalar":
            if a.expr.is_number and b.expr.is_number and a.expr != 0:
                # |b|·log2|a| bits: 9**64**64… would make SymPy compute a giant integer
                size = abs(float(b.expr)) * abs(math.log2(abs(float(sp.re(a.expr)) or 1.0)))
                if not size <= 4096:
                    raise self.error(f"{self.src(node)!r} is too large to compute",
                                     node, InputTooLargeError)
            # sqrt(x)**2 stays as written: it is undefined for x < 0 (norm(v)**2 is fine)
            fractional = (isinstance(a.expr, sp.Pow) and not a.expr.exp.is_integer
                          and not is_nonnegative(a.expr.base))
            return Parsed(sp.Pow(a.expr, b.expr, evaluate=not fractional), "scalar", ())
        # NumPy meaning: elementwise power
        return Parsed(sp.HadamardPower(a.expr, b.expr), a.kind, a.dims)

    def _op_MatMult(self, node: ast.BinOp, a: Parsed, b: Parsed) -> Parsed:
        if a.kind == "scalar" or b.kind == "scalar":
            bad = node.left if a.kind == "scalar" else node.right
            raise self.error(f"'@' needs arrays, but {self.src(bad)!r} is a scalar (use '*')",
                             bad, ShapeError)
        inner_a = a.dims[-1]
        inner_b = b.dims[0]
        if inner_a != inner_b:
            raise self.error(
                f"shapes do not match for '@': {self.shape_words(a, node.left)}, "
                f"{self.shape_words(b, node.right)} ({inner_a} ≠ {inner_b})",
                node.right, ShapeError)
        if a.kind == "vector" and b.kind == "vector":
            return Parsed(to_scalar(matmul_expr(a.expr.T, b.expr)), "scalar", ())
        if a.kind == "vector":  # x @ B: a 1-D result, kept as a column Bᵀx
            return Parsed(matmul_expr(b.expr.T, a.expr), "vector", (b.dims[1],))
        if b.kind == "vector":
            return Parsed(matmul_expr(a.expr, b.expr), "vector", (a.dims[0],))
        return self.typed(matmul_expr(a.expr, b.expr), "matrix", (a.dims[0], b.dims[1]))

    # -- calls ---------------------------------------------------------------------
    def _callee(self, node: ast.Call) -> str:
        """The function a call names: a name of the language, or NumPy's or SciPy's own
        name of the same function (np.tanh, np.linalg.norm, scipy.special.expit)."""
        func = node.func
        if isinstance(func, ast.Name):
            if func.id not in FUNCTIONS:
                raise self.error(_unknown(func.id), func)
            return func.id
        dotted = _dotted(func)
        if dotted is None or "." not in dotted:  # f(x)(y), x.T.dot(y)…
            raise self.error("only the functions of the language can be called (see --help)",
                             node)
        module, _, name = dotted.rpartition(".")
        if module in _MODULES and name in _MODULES[module] and name in FUNCTIONS:
            return name
        if module.split(".")[0] in _MODULES_REFUSED:
            raise self.error(f"{dotted}() is not read: {_MODULES_REFUSED[module.split('.')[0]]}",
                             node)
        if module in _MODULES:
            raise self.error(f"{dotted}() is not among the functions read with their "
                             f"library's names: {_unknown(name, numpy=True)}", node)
        if isinstance(func, ast.Attribute) and func.attr in _METHODS:
            hint = _METHODS[func.attr].format(x=self.src(func.value))
            raise self.error(f"'.{func.attr}()' is not part of the language: {hint}", node)
        raise self.error(f"only the functions of the language can be called, not {dotted}() "
                         "(see --help)", node)

    def _visit_Call(self, node: ast.Call, depth: int) -> Parsed:
        name = self._callee(node)
        if node.keywords:
            raise self.error(f"{name}() takes no keyword arguments", node.keywords[0].value)
        want = _ARITY.get(name, (1,))
        if name in ("max", "min") and len(node.args) == 2:
            one, two = ("largest", "larger") if name == "max" else ("smallest", "smaller")
            raise self.error(f"{name}() is the {one} entry of one array; the {two} of two, "
                             f"entry by entry, is {name}imum(a, b)", node)
        if len(node.args) not in want:
            count = " or ".join(str(w) for w in want)
            raise self.error(f"{name}() takes {count} argument{'s' if want[-1] > 1 else ''}, "
                             f"got {len(node.args)}", node)
        if name == "eye":
            dim = self._dim_arg(node.args[0], name)
            return Parsed(sp.Identity(dim), "matrix", (dim, dim))
        if name == "ones":
            dims = tuple(self._dim_arg(a, name) for a in node.args)
            if len(dims) == 1:
                return Parsed(sp.OneMatrix(dims[0], 1), "vector", dims)
            return self.typed(sp.OneMatrix(*dims), "matrix", dims)
        if name in ("diff", "grad"):
            return self.derivative(node, name, self.visit(node.args[0], depth), node.args[1])
        if name in _PIECEWISE:
            return self._piecewise(node, name, depth)
        if name == "norm" and len(node.args) == 2:
            return self._norm_order(node, self.visit(node.args[0], depth), node.args[1])
        if name == "heaviside" and len(node.args) == 2:
            return self._heaviside(node, self.visit(node.args[0], depth), node.args[1])
        args = [self.visit(arg, depth) for arg in node.args]
        if name in BY_NAME:
            return self._elementwise(args[0], BY_NAME[name].cls)
        return getattr(self, f"_fn_{name}")(node, *args)

    def derivative(self, node: Any, name: str, e: Parsed, var: Any) -> Parsed:
        """diff(e, s) and grad(f, v) inside a step — a chain rule written out half-way —
        stand for their value, derived by the matrix-form engine."""
        from ..calculus import matrix as mf

        if not (isinstance(var, ast.Name) or isinstance(getattr(var, "name", None), str)):
            raise self.error(f"{name}() differentiates by a variable name, not "
                             f"{self.src(var)!r}", var)
        vname = var.id if isinstance(var, ast.Name) else var.name
        decl = self.space.get(vname)
        symbol = self.space.symbol(vname)
        if decl.discrete is not None:  # ±1 or binary entries: no neighbourhood to vary in
            raise self.error(f"{name}() by {vname!r}, whose entries take the values "
                             f"{' and '.join(map(str, decl.discrete))} only: a derivative "
                             "by it is not defined", var)
        if name == "diff":
            if decl.kind != "scalar":
                raise self.error(f"diff() differentiates by a scalar, but {vname!r} is "
                                 f"{shape_words(decl.kind, decl.dims)}; use grad()", var,
                                 ShapeError)
            d = mf._fwd(e.expr, symbol)  # entry by entry for arrays
            if d is None:
                d = sp.Integer(0) if e.kind == "scalar" else sp.ZeroMatrix(
                    *((e.dims[0], 1) if e.kind == "vector" else e.dims))
            return Parsed(mf.canonical(d, self.space), e.kind, e.dims)
        if e.kind != "scalar":
            raise self.error(f"grad() needs a scalar function, but {self.src(node.args[0])!r} "
                             f"is {shape_words(e.kind, e.dims)}", node.args[0], ShapeError)
        g = mf.gradient(e.expr, symbol, self.space)
        return Parsed(g, decl.kind, decl.dims) if decl.kind != "matrix" or decl.dims[1] != 1 \
            else Parsed(g, "matrix", decl.dims)

    def _dim_arg(self, arg: ast.AST, fname: str) -> sp.Expr:
        if isinstance(arg, ast.Name) and not arg.id.startswith("_"):
            dim = Space.dim(arg.id)
            if dim not in self.space.dim_symbols:
                self.space.extra_dims[arg.id] = dim
            return dim
        if (isinstance(arg, ast.Constant) and isinstance(arg.value, int)
                and not isinstance(arg.value, bool) and 1 <= arg.value <= MAX_CONCRETE_DIM):
            return sp.Integer(arg.value)
        raise self.error(f"{fname}() takes dimensions: names such as n or integers "
                         f"1..{MAX_CONCRETE_DIM}", arg)

    def _need(self, node: ast.Call, p: Parsed, *kinds: str, square: bool = False) -> None:
        name = _called(node)
        if p.kind not in kinds:
            raise self.error(f"{name}() needs a {' or '.join(kinds)}, but "
                             f"{self.shape_words(p, node.args[0])}", node.args[0], ShapeError)
        if square and p.kind == "matrix" and p.dims[0] != p.dims[1]:
            raise self.error(f"{name}() needs a square matrix, but "
                             f"{self.shape_words(p, node.args[0])}", node.args[0], ShapeError)

    def _fn_trace(self, node: ast.Call, p: Parsed) -> Parsed:
        if p.kind == "scalar" and isinstance(p.expr, sp.Trace):
            return p  # a 1×1 product (aᵀXb with a, b columns): the trace trick
        self._need(node, p, "matrix", square=True)
        return Parsed(sp.Trace(p.expr), "scalar", ())

    def _fn_det(self, node: ast.Call, p: Parsed) -> Parsed:
        self._need(node, p, "matrix", square=True)
        return Parsed(sp.Determinant(p.expr), "scalar", ())

    def _fn_logdet(self, node: ast.Call, p: Parsed) -> Parsed:
        self._need(node, p, "matrix", square=True)
        if _is_zero_matrix(p.expr):
            raise self.error(f"{self.src(node.args[0])!r} is the zero matrix: its logdet is "
                             "undefined", node.args[0])
        return Parsed(sp.log(sp.Determinant(p.expr)), "scalar", ())

    def _fn_inv(self, node: ast.Call, p: Parsed) -> Parsed:
        self._need(node, p, "matrix", "scalar", square=True)
        if p.kind == "scalar":
            if p.expr == 0:
                raise self.error("inv(0) is undefined", node.args[0])
            return Parsed(1 / p.expr, "scalar", ())
        if _is_zero_matrix(p.expr):
            raise self.error(f"{self.src(node.args[0])!r} is the zero matrix, which has no "
                             "inverse", node.args[0])
        return Parsed(sp.Inverse(p.expr), "matrix", p.dims)

    def _fn_pinv(self, node: ast.Call, p: Parsed) -> Parsed:
        """The pseudo-inverse where the declared rank keeps it smooth: (XᵀX)⁻¹Xᵀ for X of
        full column rank, Xᵀ(XXᵀ)⁻¹ for full row rank (Xᵀ of X of full column rank too),
        X⁻¹ for invertible X.  Where the rank may change, pinv jumps: no derivative."""
        self._need(node, p, "matrix")
        x, flipped = p.expr, False
        if isinstance(x, sp.Transpose) and isinstance(x.arg, sp.MatrixSymbol):
            x, flipped = x.arg, True
        a = (self.space.get(str(x.name)).assumptions if isinstance(x, sp.MatrixSymbol)
             else frozenset())
        column, row = "full column rank" in a, "full row rank" in a
        if flipped:
            column, row = row, column
        xt = p.expr.T
        if "invertible" in a:
            return Parsed(sp.Inverse(p.expr), "matrix", p.dims)
        if column:
            return Parsed(matmul_expr(sp.Inverse(matmul_expr(xt, p.expr)), xt), "matrix",
                          p.dims[::-1])
        if row:
            return Parsed(matmul_expr(xt, sp.Inverse(matmul_expr(p.expr, xt))), "matrix",
                          p.dims[::-1])
        raise self.error(f"pinv({self.src(node.args[0])}) is differentiable only where the "
                         "rank is constant: declare its rank ('X: m x n, full column rank', "
                         "'full row rank', or 'invertible' when square)", node.args[0])

    def _fn_norm(self, node: ast.Call, p: Parsed) -> Parsed:
        if p.kind == "scalar":
            # |s|, not sqrt(s²): SymPy's sqrt(tr(2A)²) raises TypeError (arg → factor_terms
            # cannot rebuild a trace of a scaled matrix)
            return Parsed(sp.Abs(p.expr), "scalar", ())
        return Parsed(sp.sqrt(sp.Trace(sp.MatMul(p.expr.T, p.expr))), "scalar", ())

    def _elementwise(self, p: Parsed, fn: sp.FunctionClass, *params: sp.Expr) -> Parsed:
        if p.kind == "scalar":
            # exp(log(x)) stays as written: it is undefined for x ≤ 0, unlike x
            return Parsed(fn(p.expr, *params, evaluate=p.expr.is_number), "scalar", ())
        return Parsed(elementwise(fn, p.expr, *params), p.kind, p.dims)

    # -- piecewise: maximum, minimum, where (one step function each) ------------------------
    def _common(self, node: ast.AST, parts: list[tuple[Parsed, ast.AST]]) -> tuple[Kind, tuple]:
        """The shape that scalars among ``parts`` broadcast to (all arrays must agree)."""
        arrays = [(p, a) for p, a in parts if p.kind != "scalar"]
        where = f"{_called(node)}()" if isinstance(node, ast.Call) else "the comparison"
        for p, a in arrays[1:]:
            if (p.kind, p.dims) != (arrays[0][0].kind, arrays[0][0].dims):
                raise self.error(f"shapes do not match in {where}: "
                                 f"{self.shape_words(arrays[0][0], arrays[0][1])}, "
                                 f"{self.shape_words(p, a)}", a, ShapeError)
        return (arrays[0][0].kind, arrays[0][0].dims) if arrays else ("scalar", ())

    def _lift(self, p: Parsed, kind: Kind, dims: tuple) -> sp.Basic:
        if kind == "scalar" or p.kind != "scalar":
            return p.expr
        return self._broadcast(p, Parsed(sp.Integer(0), kind, dims))

    def _choose(self, node: ast.Call, step: Parsed, a: Parsed, b: Parsed) -> Parsed:
        """b + step·(a − b): a where the step is 1, b where it is 0 (entry by entry)."""
        kind, dims = self._common(node, [(step, node), (a, node), (b, node)])
        if kind == "scalar":
            return Parsed(b.expr + step.expr * (a.expr - b.expr), "scalar", ())
        ss = self._lift(step, kind, dims)
        zero_a, zero_b = (p.kind == "scalar" and p.expr == 0 for p in (a, b))
        sa, sb = (self._lift(p, kind, dims) for p in (a, b))
        diff = sa if zero_b else -sb if zero_a else sp.MatAdd(sa, -sb)
        chosen = sp.HadamardProduct(ss, diff)
        return Parsed(chosen if zero_b else sp.MatAdd(sb, chosen), kind, dims)

    def _fn_maximum(self, node: ast.Call, a: Parsed, b: Parsed) -> Parsed:
        kind, dims = self._common(node, [(a, node.args[0]), (b, node.args[1])])
        zero_b = b.kind == "scalar" and b.expr == 0
        if zero_b or (a.kind == "scalar" and a.expr == 0):
            other = a if zero_b else b
            return self._elementwise(Parsed(self._lift(other, kind, dims), kind, dims),
                                     BY_NAME["relu"].cls)
        d = self._sub(a, b, kind, dims)  # max(a, b) = b + relu(a − b)
        return self._add(b, self._elementwise(d, BY_NAME["relu"].cls), kind, dims)

    def _fn_minimum(self, node: ast.Call, a: Parsed, b: Parsed) -> Parsed:
        kind, dims = self._common(node, [(a, node.args[0]), (b, node.args[1])])
        d = self._sub(a, b, kind, dims)  # min(a, b) = a − relu(a − b)
        r = self._elementwise(d, BY_NAME["relu"].cls)
        return self._sub(a, r, kind, dims)

    def _sub(self, a: Parsed, b: Parsed, kind: Kind, dims: tuple) -> Parsed:
        if kind == "scalar":
            return Parsed(a.expr - b.expr, kind, dims)
        if b.kind == "scalar" and b.expr == 0:  # x > 0: the step of x, not of x + 0
            return Parsed(self._lift(a, kind, dims), kind, dims)
        return Parsed(sp.MatAdd(self._lift(a, kind, dims), -self._lift(b, kind, dims)),
                      kind, dims)

    def _add(self, a: Parsed, b: Parsed, kind: Kind, dims: tuple) -> Parsed:
        if kind == "scalar":
            return Parsed(a.expr + b.expr, kind, dims)
        if a.kind == "scalar" and a.expr == 0:
            return b
        return Parsed(sp.MatAdd(self._lift(a, kind, dims), self._lift(b, kind, dims)),
                      kind, dims)

    def _piecewise(self, node: ast.Call, name: str, depth: int) -> Parsed:
        """maximum, minimum and where write one of their arguments twice (max(a, b) =
        b + relu(a − b)): nested k deep, an argument appears 2ᵏ times, so the nesting is
        bounded."""
        if self.piecewise_depth >= MAX_PIECEWISE_DEPTH:
            raise self.error(f"maximum, minimum and where nested more than "
                             f"{MAX_PIECEWISE_DEPTH} deep", node, InputTooLargeError)
        self.piecewise_depth += 1
        try:
            if name == "where":
                return self._where(node, depth)
            args = [self.visit(arg, depth) for arg in node.args]
            return getattr(self, f"_fn_{name}")(node, *args)
        finally:
            self.piecewise_depth -= 1

    def _where(self, node: ast.Call, depth: int) -> Parsed:
        cond = node.args[0]
        if not (isinstance(cond, ast.Compare) and len(cond.ops) == 1
                and type(cond.ops[0]) in _COMPARISONS):
            raise self.error("where() takes a comparison first: where(p < q, a, b) "
                             "(with <, <=, > or >=)", cond)
        step = self._step(node, cond, depth)
        a, b = self.visit(node.args[1], depth), self.visit(node.args[2], depth)
        return self._choose(node, step, a, b)

    def _step(self, node: ast.AST, cond: ast.Compare, depth: int) -> Parsed:
        """The comparison p < q (<=, >, >=) as NumPy uses it in arithmetic: 1 where it holds,
        0 where not, entry by entry."""
        left = self.visit(cond.left, depth)
        right = self.visit(cond.comparators[0], depth)
        op = type(cond.ops[0])
        greater = op in (ast.Gt, ast.GtE)
        kind, dims = self._common(node, [(left, cond.left), (right, cond.comparators[0])])
        # p > q (or q < p) holds where p − q > 0: the step of p − q, 1 above 0 and 0 below;
        # at 0 it is 0 for a strict comparison and 1 for <= and >=
        d = self._sub(left, right, kind, dims) if greater else self._sub(right, left, kind, dims)
        at_zero = sp.Integer(0) if op in (ast.Gt, ast.Lt) else sp.Integer(1)
        return self._elementwise(d, sp.Heaviside, at_zero)

    def _visit_Compare(self, node: ast.Compare, depth: int) -> Parsed:
        """A comparison in arithmetic, as NumPy's boolean mask: (z > 0) is 1 or 0."""
        if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARISONS:
            raise self.error("only one comparison with <, <=, > or >= is read (as 1 where it "
                             "holds and 0 where not); for equality there is no derivative "
                             "to check", node)
        return self._step(node, node, depth)

    def _heaviside(self, node: ast.Call, p: Parsed, h0: ast.AST) -> Parsed:
        """heaviside(x, h0), as NumPy's: h0 is the value at 0, a number."""
        value = self.visit(h0, 0)
        if value.kind != "scalar" or value.expr not in (0, sp.Rational(1, 2), 1):
            raise self.error("heaviside()'s second argument is its value at 0: 0, 0.5 or 1",
                             h0)
        return self._elementwise(p, sp.Heaviside, value.expr)

    # -- vector functions: compositions of exp, log and sum ---------------------------------
    def _sum_exp(self, node: ast.Call, p: Parsed) -> tuple[Parsed, Parsed]:
        if p.kind == "scalar":
            raise self.error(f"{_called(node)}() needs a vector, but "
                             f"{self.shape_words(p, node.args[0])}", node.args[0], ShapeError)
        e = self._elementwise(p, sp.exp)
        return e, self._fn_sum(node, e)

    def _fn_logsumexp(self, node: ast.Call, p: Parsed) -> Parsed:
        if p.kind == "scalar":
            return p  # log(exp(s)) = s
        return Parsed(sp.log(self._sum_exp(node, p)[1].expr), "scalar", ())

    def _fn_softmax(self, node: ast.Call, p: Parsed) -> Parsed:
        self._need(node, p, "vector")
        e, total = self._sum_exp(node, p)
        return Parsed(matmul_expr(1 / total.expr, e.expr), p.kind, p.dims)

    def _fn_log_softmax(self, node: ast.Call, p: Parsed) -> Parsed:
        self._need(node, p, "vector")
        lse = self._fn_logsumexp(node, p)
        return Parsed(sp.MatAdd(p.expr, -self._broadcast(lse, p)), p.kind, p.dims)

    def _fn_max(self, node: ast.Call, p: Parsed) -> Parsed:
        """max(v): the largest entry, as numpy.max (the larger of two is maximum(a, b))."""
        if p.kind == "scalar":
            return p
        return Parsed(Largest(p.expr), "scalar", ())

    def _fn_min(self, node: ast.Call, p: Parsed) -> Parsed:
        if p.kind == "scalar":
            return p
        return Parsed(-Largest(-p.expr), "scalar", ())

    def _norm_order(self, node: ast.Call, p: Parsed, order: ast.AST) -> Parsed:
        """norm(v, 1), norm(v, 2), norm(M, 'fro'), as NumPy's (norm(v, inf) is max |v_i|)."""
        key = order.value if isinstance(order, ast.Constant) else (
            "inf" if isinstance(order, ast.Name) and order.id == "inf" else None)
        column = p.kind == "vector" or (p.kind == "matrix" and p.dims[1] == 1)
        if p.kind == "matrix" and (key == "fro" or (key == 2 and column)):
            return self._fn_norm(node, p)
        if column:
            if key == 2:
                return self._fn_norm(node, p)
            if key == 1:
                return self._fn_sum(node, self._elementwise(p, sp.Abs))
            if key == "inf":
                return self._fn_max(node, self._elementwise(p, sp.Abs))
        if p.kind == "scalar" and key in (1, 2, "fro", "inf"):
            return self._fn_norm(node, p)
        if column and key == "fro":
            raise self.error("'fro' is the Frobenius norm of a matrix; of a vector write "
                             "norm(v)", order)
        if p.kind == "matrix" and key in (1, 2, "inf", "nuc"):
            raise self.error(f"norm(M, {self.src(order)}) (an induced or nuclear matrix norm) "
                             "is not supported; norm(M, 'fro') is", order)
        raise self.error(f"norm()'s second argument is the order: 1, 2, inf or 'fro', not "
                         f"{self.src(order)}", order)

    def _fn_exp(self, node: ast.Call, p: Parsed) -> Parsed:
        return self._elementwise(p, sp.exp)

    def _fn_log(self, node: ast.Call, p: Parsed) -> Parsed:
        return self._elementwise(p, sp.log)

    def _fn_sqrt(self, node: ast.Call, p: Parsed) -> Parsed:
        if p.kind == "scalar":
            return Parsed(sp.Pow(p.expr, sp.Rational(1, 2), evaluate=p.expr.is_number),
                          "scalar", ())
        return Parsed(sp.HadamardPower(p.expr, sp.Rational(1, 2)), p.kind, p.dims)

    def _fn_sum(self, node: ast.Call, p: Parsed) -> Parsed:
        if p.kind == "scalar":
            return p
        rows, cols = (p.dims[0], 1) if p.kind == "vector" else p.dims
        total = matmul_expr(sp.OneMatrix(1, rows), p.expr, sp.OneMatrix(cols, 1))
        return Parsed(to_scalar(total), "scalar", ())

    def _fn_diag(self, node: ast.Call, p: Parsed) -> Parsed:
        """As numpy.diag: a vector's diagonal matrix, or a square matrix's diagonal."""
        from sympy.matrices.expressions.diagonal import DiagMatrix, DiagonalOf

        self._need(node, p, "vector", "matrix", square=True)
        if p.kind == "matrix":
            return Parsed(DiagonalOf(p.expr), "vector", (p.dims[0],))
        return Parsed(DiagMatrix(p.expr), "matrix", (p.dims[0], p.dims[0]))

    def _fn_outer(self, node: ast.Call, u: Parsed, v: Parsed) -> Parsed:
        for p, arg in ((u, node.args[0]), (v, node.args[1])):
            if p.kind == "matrix" and p.dims[1] == 1:
                continue  # a declared n×1 column
            if p.kind != "vector":
                raise self.error(f"outer() needs vectors, but {self.shape_words(p, arg)}", arg,
                                 ShapeError)
        return self.typed(matmul_expr(u.expr, v.expr.T), "matrix", (u.dims[0], v.dims[0]))


_COMPARISONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)

#: what the characters of hand-written mathematics are written as here
_UNICODE_HINTS = {
    "σ": "write sigmoid(.) for the logistic function", "λ": "name it lam",
    "∑": "write sum(.)", "Σ": "write sum(.)", "‖": "write norm(.)", "∘": "write * (entry by entry)",
    "⊙": "write * (entry by entry)", "·": "write * or @", "×": "write * or @",
    "ᵀ": "write .T", "⊤": "write .T", "−": "write - (ASCII minus)", "√": "write sqrt(.)",
    "∞": "write inf in norm(v, inf)", "ℓ": "name it l or loss", "η": "name it eta",
    "α": "name it alpha", "β": "name it beta", "θ": "name it theta", "μ": "name it mu",
}

_NUMPY = frozenset({
    "trace", "exp", "log", "sqrt", "sum", "outer", "eye", "diag", "log1p", "expm1", "sin",
    "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "abs", "sign",
    "heaviside", "maximum", "minimum", "where", "max", "min"})
_LINALG = frozenset({"det", "inv", "pinv", "norm"})
_SPECIAL = frozenset({"expit", "logsumexp", "softmax", "log_softmax", "log1p", "expm1"})
#: modules whose functions are read under their own names: name -> what is read
_MODULES: dict[str, frozenset[str]] = {
    **dict.fromkeys(("np", "numpy", "jnp", "jax.numpy"), _NUMPY),
    **dict.fromkeys(("np.linalg", "numpy.linalg", "jnp.linalg", "jax.numpy.linalg"), _LINALG),
    **dict.fromkeys(("scipy.special", "special", "jax.nn", "jax.scipy.special"), _SPECIAL),
}
#: libraries whose names mean something else in places (torch.max(a, b) is elementwise)
_MODULES_REFUSED = {
    "torch": "write the function without the prefix (sigmoid(x), relu(x), softmax(x)); "
             "torch's names differ from NumPy's in places (torch.max(a, b) is maximum(a, b))",
    "F": "write the function without the prefix (relu(x), softmax(x), log_softmax(x))",
    "tf": "write the function without the prefix (sigmoid(x), softmax(x))",
    "math": "write the function without the prefix (exp(x), log(x), tanh(x))",
}
#: array methods people write, and what the language says instead
_METHODS = {
    "sum": "write sum({x})", "dot": "write {x} @ …", "mean": "write sum({x}) / n",
    "max": "write max({x})", "min": "write min({x})", "trace": "write trace({x})",
    "transpose": "write {x}.T", "norm": "write norm({x})", "exp": "write exp({x})",
    "log": "write log({x})", "sigmoid": "write sigmoid({x})", "tanh": "write tanh({x})",
    "relu": "write relu({x})", "abs": "write abs({x})",
}
#: what people write for a function the language has under another name
_SAID_OTHERWISE = {"arcsinh": None, "ln": "log", "exponential": "exp", "σ": "sigmoid",
                   "logit": None, "mean": "sum(.) / n", "prod": None, "dot": "a @ b",
                   "transpose": ".T", "matmul": "a @ b", "hadamard": "a * b", "tr": "trace",
                   "logistic_sigmoid": "sigmoid", "lse": "logsumexp", "softmax_cross_entropy":
                   "-y @ log_softmax(z)", "huber": "where(abs(r) <= d, 0.5 * r**2, "
                   "d * (abs(r) - 0.5 * d))", "clip": "minimum(maximum(x, lo), hi)"}


def _called(node: ast.Call) -> str:
    """The function's name in a call: maximum for maximum(…) and for np.maximum(…)."""
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "?")


def _dotted(node: ast.AST) -> str | None:
    """'np.linalg.norm' for the attribute chain np.linalg.norm, None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _unknown(name: str, *, numpy: bool = False) -> str:
    """'unknown function …' with the nearest names of the language."""
    import difflib

    text = f"unknown function {name!r}" if not numpy else "write it without the prefix"
    said = _SAID_OTHERWISE.get(name.lower(), "")
    if said:
        return f"{text}: write {said}" if "(" in said or " " in said or "." in said \
            else f"{text}: did you mean {said}?"
    near = [n for n in FUNCTIONS if n.lower() == name.lower()] or \
        difflib.get_close_matches(name.lower(), list(FUNCTIONS), n=3, cutoff=0.75)
    if near:
        return f"{text}: did you mean {' or '.join(near)}?"
    return f"{text} (the functions are listed by --help)"
_PIECEWISE = ("maximum", "minimum", "where")


def checked_input(text: object, what: str, *, limit: int = MAX_LENGTH) -> str:
    """User text, stripped: a string, not empty, within ``limit`` characters (shared by the
    parsers)."""
    if not isinstance(text, str):
        raise ParseError(f"expected {'an' if what[0] in 'aeiou' else 'a'} {what} as text, "
                         f"got {type(text).__name__}")
    if len(text) > limit:
        raise InputTooLargeError(f"{what} longer than {limit} characters")
    stripped = text.strip()
    if not stripped:
        raise ParseError("empty expression", what=what)
    return stripped


def parse_expression(text: str, space: Space | None = None) -> Parsed:
    """Parse numpy-like ``text`` against the declarations in ``space``.

    >>> from symderiv.parse import parse_declarations
    >>> p = parse_expression("x.T @ A @ x", parse_declarations("x: n; A: n x n"))
    >>> p.kind
    'scalar'
    >>> parse_expression("X @ y", parse_declarations("X: m x n; y: m"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symderiv.errors.ShapeError: shapes do not match for '@': 'X' is an m×n matrix, ... at col 5...
    """
    space = space if space is not None else Space()
    stripped = checked_input(text, "expression")
    for i, ch in enumerate(stripped):
        if not ch.isascii() or (not ch.isprintable() and ch != " "):
            hint = _UNICODE_HINTS.get(ch, "names and operators are ASCII")
            raise ParseError(f"character {ch!r} is not allowed ({hint})",
                             source=stripped, col=i + 1)
        if ch == "#":
            raise ParseError("comments ('#') are not allowed in an expression",
                             source=stripped, col=i + 1)
        if ch in "\n\r;":
            raise ParseError("an expression is one line (no ';' or line breaks)",
                             source=stripped, col=i + 1)
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" is our error to report
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        col = exc.offset
        msg = (exc.msg or "invalid syntax").split(" (")[0]
        if not col or col > len(stripped):  # Python reports 0 when the input ran out
            col, msg = len(stripped), "the expression ends too early"
        word = next((m for m in re.finditer(r"[A-Za-z_]\w*", stripped)
                     if keyword.iskeyword(m.group())), None)
        if word is not None:  # lambda, in, is, …: what students call a scalar
            w = word.group()
            col, msg = word.start() + 1, (f"{w!r} is a reserved word here; name it otherwise "
                                          f"(for example {'lam' if w == 'lambda' else w + '_'})")
        elif msg == "invalid decimal literal":  # 2x
            msg = "a number written against a name: write the product with *, as in 2*x"
        elif msg == "invalid syntax" and re.search(r"[\w)]\s+[A-Za-z_(]", stripped[:col]):
            msg = ("two terms side by side: write the product with * (entry by entry) or @ "
                   "(matrix product), as in 2 * A @ x")
        raise ParseError(f"syntax error: {msg}", source=stripped, col=col) from None
    except (RecursionError, MemoryError, ValueError):
        raise InputTooLargeError("expression is nested too deeply or too large",
                                 source=stripped) from None
    builder = TypedBuilder(stripped, space)
    try:
        parsed = builder.visit(tree)
    except RecursionError:
        raise InputTooLargeError("expression is nested too deeply", source=stripped) from None
    return Parsed(parsed.expr, parsed.kind, parsed.dims, stripped)
