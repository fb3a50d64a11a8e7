"""What a user reads never names a SymPy class: errors, undecided reasons, engine notes and
explanations show an expression in the language's notation ('sigmoid(X @ w)') or name the
operation in words ('the diagonal of a matrix'). Before, messages were built from
type(e).__name__ and str(e): 'not ElementwiseApplyFunction', 'no differentiation rule for
HadamardPower', 'cannot write DiagonalOf((-Determinant(DiagMatrix(Lambda(_d, …'."""

import inspect
import random
import re

import pytest
import sympy as sp
from click.testing import CliRunner
from sympy.matrices import expressions as matrix_expressions

from symderiv.cli import main
from symderiv.errors import Shown, operation_words


def _sympy_class_names() -> set[str]:
    names = set()
    for module in (sp, matrix_expressions, sp.core, sp.functions):
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, sp.Basic) and len(name) >= 3
                    and name[0].isupper()):
                names.add(name)
    # classes the engines build that the namespaces above do not export
    return names | {"ElementwiseApplyFunction", "HadamardPower", "DiagMatrix", "DiagonalOf",
                    "ArrayDerivative", "ExprCondPair", "StrictGreaterThan", "Dummy"}


NAMES = _sympy_class_names()
FOREIGN = re.compile(r"\b(" + "|".join(sorted(NAMES, key=len, reverse=True)) + r")\b")

LET = ("x: n; u: n; A: n x n; B: n x n; S: n x n, positive definite; X: m x n; w: n; "
       "s: scalar")


def said(args, stdin=""):
    """Everything the command prints, and its exit code."""
    r = CliRunner().invoke(main, args, input=stdin)
    assert r.exit_code in (0, 1, 2, 3), (args, r.output, r.exception)
    return r.stdout + r.stderr, r.exit_code


def assert_no_class_name(args, stdin=""):
    text, code = said(args, stdin)
    found = sorted(set(FOREIGN.findall(text)))
    assert not found, f"symderiv {' '.join(args)} shows {found}:\n{text}"
    return text, code


ODD = [
    # the element-wise engine's index form does not cover these: its note said
    # 'not ElementwiseApplyFunction', 'not HadamardPower', 'not Pow'
    (["grad", "sum(sigmoid(X @ w))", "--wrt", "w"], "not sigmoid(X @ w)"),
    (["grad", "sum(x ** 0.5)", "--wrt", "x"], "not sqrt(x)"),
    (["explain", "grad", "sum(tanh(x))", "--wrt", "x"], "not tanh(x)"),
    (["explain", "grad", "logdet(S)", "--wrt", "S"], "not logdet(S)"),
    # the matrix-form engine: 'cannot write DiagonalOf((-Determinant(DiagMatrix(Lambda(…'
    (["hessian", "det(diag(softmax(A @ x)))", "--wrt", "x"],
     "cannot write the diagonal of a matrix as a matrix times a vector"),
    # SymPy's simplification fails ("Input to Determinant, 2*A.T, not a matrix")
    (["equal", "sqrt(det(2*A)**2)", "sqrt(det(2*A.T)**2)"], "simplification failed in SymPy"),
    # Python's operators by their AST class: 'operator BitXor is not allowed'
    (["grad", "x ^ 2", "--wrt", "x"], "operator '^' is not allowed (write a**b for a power)"),
    (["grad", "~x", "--wrt", "x"], "operator '~' is not allowed"),
    (["grad", "sum(x % 2)", "--wrt", "x"], "operator '%' is not allowed"),
]


@pytest.mark.parametrize(("args", "words"), ODD)
def test_unsupported_input_is_said_in_the_language(args, words):
    text, _ = assert_no_class_name([*args, "--let", LET])
    assert words in text


FUNCTIONS = ["sigmoid(X @ w)", "sum(sigmoid(X @ w))", "sum(abs(x))", "det(A)", "trace(A @ B)",
             "sum(exp(A))", "norm(x, 1)", "trace(inv(A))", "logdet(A)", "sum(relu(x))",
             "sum(heaviside(x))", "sum(sign(x) * x)", "logsumexp(X @ w)",
             "sum(where(x > 0, x, 0))", "trace(A ** 2)", "trace(exp(A))", "det(A) ** 0.5",
             "x.T @ A @ x / (x.T @ x)", "sum(log_softmax(x))", "sum(maximum(x, u))",
             "trace(A ** s)", "norm(x) ** s", "sum(2 ** x)", "s ** 0.5", "abs(s)"]


@pytest.mark.parametrize("f", FUNCTIONS)
def test_derivatives_and_claims_of_odd_functions(f):
    for wrt in ("x", "A"):
        assert_no_class_name(["grad", f, "--wrt", wrt, "--let", LET])
    assert_no_class_name(["hessian", f, "--wrt", "x", "--let", LET, "--json"])
    assert_no_class_name(["grad", "x.T @ x", "--wrt", "x", "--let", LET, "--claim", f])
    assert_no_class_name(["equal", f, "0", "--let", LET, "--latex"])


@pytest.mark.parametrize(("lhs", "rhs"), [
    ("sigmoid(x)", "1/(1+exp(-x))"), ("relu(x)", "maximum(x, 0)"), ("sign(x) * x", "abs(x)"),
    ("inv(A @ B)", "inv(B) @ inv(A)"), ("A @ B", "B @ A"), ("exp(A)", "A"),
    ("softmax(x)", "exp(x) / sum(exp(x))"), ("A ** 0.5", "sqrt(A)"), ("diag(diag(A))", "A"),
    ("heaviside(s)", "(sign(s) + 1)/2"), ("x", "X"), ("s ** A", "A"),
])
def test_identities_of_odd_pairs(lhs, rhs):
    for fmt in ([], ["--json"]):
        assert_no_class_name(["equal", lhs, rhs, "--let", LET, *fmt])


DOCUMENTS = [
    "```symderiv\nlet x: n; A: n x n\nE = sum(sigmoid(A @ x))\n  = sum(1/(1+exp(-A @ x)))\n"
    "grad(E, x) = A.T @ sigmoid(A @ x)\n```\n",
    "```symderiv\nlet x: n\nE = sum(abs(x))\ngrad(E, x) = sign(x)\n  = x\n```\n",
    "```symderiv\nlet A: n x n\nE = det(A)\ngrad(E, A) = det(A) * inv(A)\n  = A\n```\n",
    "$$ f(x) = \\sigma(x) = \\frac{1}{1 + e^{-x}} $$\n",
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_derivation_documents(document):
    for fmt in ([], ["--json"]):
        assert_no_class_name(["verify", "-", *fmt], stdin=document)


def test_shown_writes_the_language_or_words():
    from symderiv.parse import parse_declarations
    from symderiv.parse.expression import parse_expression

    space = parse_declarations(LET)
    assert str(Shown(parse_expression("sigmoid(X @ w)", space).expr)) == "sigmoid(X @ w)"
    long = parse_expression(" + ".join(f"{a}.T @ {m} @ {b}" for a in "xu" for m in "ABS"
                                       for b in "xu"), space).expr
    assert str(Shown(long)) == operation_words(long) == "a sum"  # too long for one line
    # SymPy's own notation (a capitalised call, a dummy) is named in words
    piecewise = sp.Piecewise((1, sp.Symbol("s") > 0), (0, True))
    assert str(Shown(piecewise)) == "a piecewise function"
    assert str(Shown(sp.Lambda(sp.Dummy("d"), sp.Dummy("d")))) == "an expression"


def _random_inputs(seed: int, count: int) -> list[list[str]]:
    """Compositions of the language's functions, drawn at random (a small grammar)."""
    rnd = random.Random(seed)
    scalar_fns = ["exp", "log", "sqrt", "sin", "tan", "arcsin", "arctan", "cosh", "tanh",
                  "sigmoid", "softplus", "log1p", "abs", "sign", "relu", "heaviside"]

    def vec(d):
        options = [lambda: "x", lambda: "u", lambda: "A @ x",
                   lambda: f"{rnd.choice(scalar_fns)}({vec(d + 1)})",
                   lambda: f"{vec(d + 1)} * {vec(d + 1)}", lambda: f"{mat(d + 1)} @ {vec(d + 1)}",
                   lambda: f"softmax({vec(d + 1)})", lambda: f"maximum({vec(d + 1)}, 0)"]
        return rnd.choice(options[:8 if d < 3 else 3])()

    def mat(d):
        options = [lambda: "A", lambda: "S", lambda: "B", lambda: f"inv({mat(d + 1)})",
                   lambda: f"{rnd.choice(scalar_fns)}({mat(d + 1)})",
                   lambda: f"{mat(d + 1)} @ {mat(d + 1)}",
                   lambda: f"{mat(d + 1)} ** {rnd.choice(['2', '0.5', 's', '-1'])}",
                   lambda: f"diag({vec(d + 1)})"]
        return rnd.choice(options[:8 if d < 3 else 3])()

    def scalar(d):
        options = [lambda: "s", lambda: f"sum({vec(d + 1)})",
                   lambda: f"{vec(d + 1)} @ {vec(d + 1)}", lambda: f"trace({mat(d + 1)})",
                   lambda: f"det({mat(d + 1)})", lambda: f"logdet({mat(d + 1)})",
                   lambda: f"logsumexp({vec(d + 1)})",
                   lambda: f"norm({vec(d + 1)}) ** {rnd.choice(['2', 's'])}",
                   lambda: f"{rnd.choice(scalar_fns)}({scalar(d + 1)})"]
        return rnd.choice(options[:9 if d < 3 else 3])()

    out = []
    for _ in range(count):
        kind = rnd.choice(["grad", "hessian", "equal", "claim"])
        if kind == "equal":
            out.append(["equal", scalar(0), scalar(0), "--let", LET])
        elif kind == "claim":
            out.append(["grad", scalar(0), "--wrt", "x", "--let", LET, "--claim", vec(0)])
        else:
            out.append([kind, scalar(0), "--wrt", rnd.choice(["x", "s"]), "--let", LET])
    return out


@pytest.mark.slow
@pytest.mark.parametrize("args", _random_inputs(7, 150), ids=lambda a: " ".join(a[:2]))
def test_random_compositions_of_the_functions(args):
    assert_no_class_name(args)
