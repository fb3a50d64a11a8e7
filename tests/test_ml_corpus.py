"""The gradients of machine-learning losses: a corpus of hand derivations and wrong twins.

tests/corpus/ml_losses.toml holds the records (logistic regression in both label
conventions, softmax cross-entropy, log-sum-exp, one-hidden-layer networks with tanh and
ReLU, Huber and pseudo-Huber, softplus, Poisson and Gaussian negative log-likelihoods,
L1-regularised least squares, attention scores), each with its source, its derivation
by hand, and the wrong claims people write.  Every claim is checked twice:

* by this module's own NumPy finite differences, independently of symderiv — the claim
  text as NumPy reads it, at random points honouring the declarations — so that the
  corpus cannot share a bug with the tool: each right claim agrees with the differences,
  each wrong twin disagrees (or cannot be formed, exactly when the corpus says
  "shape error");
* by symderiv: each right claim holds with the engines agreeing, each wrong twin fails
  with a counterexample (which NumPy confirms) and the diagnosis the corpus names, or is
  refused with a located shape error.

Nothing here is marked xfail: a claim that fails because the tool lacks a feature stays
a failing test.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from symderiv import ShapeError, check_gradient, check_hessian
from symderiv.cli import main

CORPUS = Path(__file__).resolve().parent / "corpus" / "ml_losses.toml"

DIAGNOSES = {"sign", "scalar factor", "transpose", "coefficient", "missing term",
             "extra term", "missing derivative", "values only", "symmetric only",
             "dimension 1 only", "residual", "shape error"}


@dataclass(frozen=True, slots=True)
class Wrong:
    """A wrong twin of a record's claim and the mistake it makes."""

    claim: str
    mistake: str
    diagnosis: str
    let: str | None = None  # other declarations (an assumption left out)


@dataclass(frozen=True, slots=True)
class Record:
    """One loss: a right claim about its gradient or Hessian and its wrong twins."""

    id: str
    source: str
    check: str
    f: str
    wrt: str
    let: str
    claim: str
    derivation: str
    wrong: tuple[Wrong, ...]
    slow: bool = False

    def judge(self, claim: str, let: str | None = None):
        judge = check_gradient if self.check == "gradient" else check_hessian
        return judge(self.f, wrt=self.wrt, claim=claim, let=let or self.let)


def _load() -> tuple[Record, ...]:
    data = tomllib.loads(CORPUS.read_text(encoding="utf-8"))
    return tuple(Record(**{**r, "wrong": tuple(Wrong(**w) for w in r.get("wrong", ()))})
                 for r in data["record"])


RECORDS = _load()


# -- NumPy's reading of the claims, independent of symderiv ----------------------------------
def _softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def _logsumexp(z):
    top = np.max(z)
    return top + np.log(np.sum(np.exp(z - top)))


NUMPY: dict[str, Callable[..., Any]] = {
    "sum": np.sum, "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "abs": np.abs,
    "sign": np.sign, "tanh": np.tanh, "log1p": np.log1p,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "softplus": lambda z: np.logaddexp(0, z),
    "relu": lambda z: np.maximum(z, 0),
    "heaviside": lambda z: np.heaviside(z, 0.5),
    "maximum": np.maximum, "minimum": np.minimum, "where": np.where,
    "softmax": _softmax, "logsumexp": _logsumexp,
    "log_softmax": lambda z: z - _logsumexp(z),
    "norm": lambda v, p=None: np.linalg.norm(v, p),
    "inv": np.linalg.inv, "det": np.linalg.det, "logdet": lambda s: np.linalg.slogdet(s)[1],
    "trace": np.trace, "outer": np.outer, "diag": np.diag, "eye": np.eye,
    "ones": lambda *shape: np.ones(shape),
}


def _numpy_code(expr: str):
    """The expression compiled for NumPy, after checking it is only names, numbers,
    arithmetic, comparisons, calls of the table above and ``.T`` (the corpus is ours, but
    a typo should fail here rather than run as something else)."""
    tree = ast.parse(expr, mode="eval")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            assert node.attr == "T", f"{expr!r}: attribute {node.attr!r}"
        elif isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name) and node.func.id in NUMPY, expr
        else:
            assert isinstance(node, ast.Expression | ast.Name | ast.Constant | ast.BinOp
                              | ast.UnaryOp | ast.Compare | ast.Load | ast.operator
                              | ast.unaryop | ast.cmpop), f"{expr!r}: {type(node).__name__}"
    return compile(tree, "<corpus>", "eval")


def _names(expr: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(expr, mode="eval"))
            if isinstance(n, ast.Name) and n.id not in NUMPY}


def evaluate(expr: str, values: dict[str, Any], dims: dict[str, int]) -> np.ndarray:
    # eval of the corpus's own text in a namespace of NumPy functions and no builtins
    return np.asarray(eval(_numpy_code(expr), {"__builtins__": {}},
                           {**NUMPY, **dims, **values}), dtype=float)


@dataclass(frozen=True, slots=True)
class Decl:
    shape: tuple[str, ...]
    assumptions: str


def declarations(let: str) -> dict[str, Decl]:
    """symderiv's --let syntax, read here on its own: ``X: m x n; y: m, binary``."""
    out = {}
    for part in filter(None, (p.strip() for p in let.split(";"))):
        names, rest = part.split(":", 1)
        dims, _, assumptions = rest.strip().partition(",")
        shape = () if dims.strip() == "scalar" else tuple(re.split(r"\s*x\s*", dims.strip()))
        for name in names.split(","):
            out[name.strip()] = Decl(shape, assumptions.strip())
    return out


# every dimension distinct within a size set, so that a missing transpose cannot type-check
# by accident (a square matrix is declared n x n when that is the point)
SIZES = ({"m": 5, "n": 3, "k": 4, "h": 6, "p": 2}, {"m": 4, "n": 2, "k": 3, "h": 5, "p": 6})


def draw(decls: dict[str, Decl], names: set[str], dims: dict[str, int],
         rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random values honouring the declarations (undeclared names are real scalars)."""
    values = {}
    for name in sorted(names - set(dims)):
        decl = decls.get(name, Decl((), ""))
        shape = tuple(dims[d] for d in decl.shape)
        a = decl.assumptions
        if "positive definite" in a:
            b = rng.standard_normal(shape)
            values[name] = b @ b.T + shape[0] * np.eye(shape[0])
        elif "invertible" in a:
            values[name] = rng.standard_normal(shape) + 2 * np.eye(shape[0])
        elif "binary" in a:
            values[name] = rng.integers(0, 2, shape).astype(float)
        elif "{-1, 1}" in a:
            values[name] = rng.choice([-1.0, 1.0], shape)
        elif "positive" in a:
            values[name] = rng.uniform(0.5, 2.0, shape)
        else:
            # spread 1.5: residuals fall on both sides of a Huber threshold in (0.5, 2)
            values[name] = 1.5 * rng.standard_normal(shape)
    return values


def differences(record: Record, values: dict[str, np.ndarray],
                dims: dict[str, int]) -> np.ndarray:
    """The gradient (central differences) or the Hessian (second differences) of f."""
    x0 = values[record.wrt]

    def f(x):
        return float(evaluate(record.f, {**values, record.wrt: x.reshape(np.shape(x0))}, dims))

    flat = np.ravel(x0).astype(float)
    basis = np.eye(flat.size)
    if record.check == "gradient":
        # the five-point stencil (error O(h⁴)) lets h be large enough that the rounding in
        # log(1 - σ(z)) is not magnified
        h = 1e-4
        grad = [(8 * (f(flat + h * e) - f(flat - h * e)) - f(flat + 2 * h * e)
                 + f(flat - 2 * h * e)) / (12 * h) for e in basis]
        return np.reshape(grad, np.shape(x0))
    h = 1e-3
    return np.array([[(f(flat + h * (ei + ej)) - f(flat + h * (ei - ej))
                       - f(flat - h * (ei - ej)) + f(flat - h * (ei + ej))) / (4 * h * h)
                      for ej in basis] for ei in basis])


def _close(claim: np.ndarray, truth: np.ndarray, check: str) -> bool:
    if claim.shape != truth.shape:
        return False
    scale = max(1.0, float(np.max(np.abs(truth))))
    return bool(np.all(np.abs(claim - truth) <= (1e-6 if check == "gradient" else 1e-4)
                       * scale))


def numeric_points(record: Record, claim: str, let: str):
    """(NumPy's value of the claim, the differences) at four seeds × two size sets, or a
    ValueError from NumPy when the claim cannot be formed."""
    decls = declarations(let)
    names = _names(record.f) | _names(claim) | {record.wrt}
    for seed in (0, 1, 2, 3):
        for dims in SIZES:
            rng = np.random.default_rng([seed, *dims.values()])
            values = draw(decls, names, dims, rng)
            yield evaluate(claim, values, dims), differences(record, values, dims)


# -- the corpus itself --------------------------------------------------------------------
def _claims(*, right: bool) -> list:
    out = []
    for r in RECORDS:
        marks = [pytest.mark.slow] if r.slow else []
        if right:
            out.append(pytest.param(r, id=r.id, marks=marks))
        else:
            out += [pytest.param(r, w, id=f"{r.id}~{i}", marks=marks)
                    for i, w in enumerate(r.wrong)]
    return out


def test_corpus_is_well_formed():
    ids = [r.id for r in RECORDS]
    assert len(ids) == len(set(ids)), "record ids must be unique"
    assert len(RECORDS) + sum(len(r.wrong) for r in RECORDS) >= 60
    for r in RECORDS:
        assert r.source.strip() and r.derivation.strip(), r.id
        assert r.check in ("gradient", "hessian"), r.id
        assert r.wrong, f"{r.id}: every right claim has a wrong twin"
        for w in r.wrong:
            assert w.diagnosis in DIAGNOSES, f"{r.id}: {w.diagnosis!r}"
            assert w.mistake.strip(), r.id
            assert w.claim != r.claim or w.let not in (None, r.let), r.id


def test_corpus_covers_the_losses_people_derive():
    text = CORPUS.read_text(encoding="utf-8")
    for needle in ("sigmoid(", "exp(-y *", "log_softmax(", "log(softmax(", "logsumexp(",
                   "tanh(W @ x)", "relu(W @ x)", "where(abs(r) <= d", "sqrt(1 + (r / d)**2)",
                   "softplus(", "exp(X @ w) - y * (X @ w)", "logdet(S)", "norm(w, 1)",
                   "softmax(X @ q)", "entries in {-1, 1}", "binary"):
        assert needle in text, needle


@pytest.mark.parametrize("record", _claims(right=True))
def test_right_claim_agrees_with_numpy_differences(record: Record):
    for claimed, truth in numeric_points(record, record.claim, record.let):
        assert _close(claimed, truth, record.check), (
            f"[{record.source}] {record.claim!r}\nclaim\n{claimed}\ndifferences\n{truth}")


@pytest.mark.parametrize(("record", "wrong"), _claims(right=False))
def test_wrong_twin_disagrees_with_numpy_differences(record: Record, wrong: Wrong):
    let = wrong.let or record.let
    try:
        results = list(numeric_points(record, wrong.claim, let))
    except ValueError:  # NumPy cannot form the claim: shapes do not match
        assert wrong.diagnosis == "shape error", wrong.claim
        return
    if wrong.diagnosis == "shape error":
        assert any(c.shape != t.shape for c, t in results), wrong.claim
    else:
        assert not all(_close(c, t, record.check) for c, t in results), wrong.claim


# -- symderiv's verdicts --------------------------------------------------------------------
@pytest.mark.parametrize("record", _claims(right=True))
def test_right_claim_holds(record: Record):
    v = record.judge(record.claim)
    assert v.outcome == "holds", f"[{record.source}]\n{v}"
    assert v.agree, f"[{record.source}]\n{v}"


def _counterexample_is_real(record: Record, wrong: Wrong, cx) -> None:
    """NumPy's differences at the counterexample's point disagree with the claim there."""
    decls = declarations(wrong.let or record.let)
    # exact counterexamples spell rationals as strings ('2277/8')
    exact = np.vectorize(lambda v: float(Fraction(v)), otypes=[float])
    values = {name: exact(np.asarray(v, dtype=object)).reshape(
        tuple(cx.sizes[d] for d in decls[name].shape) if name in decls else ())
        for name, v in cx.values.items()}
    names = _names(record.f) | _names(wrong.claim)
    assert names <= set(values) | set(cx.sizes), f"{names - set(values)} not in {cx}"
    claimed = evaluate(wrong.claim, values, cx.sizes)
    assert not _close(claimed, differences(record, values, cx.sizes), record.check), cx


@pytest.mark.parametrize(("record", "wrong"), _claims(right=False))
def test_wrong_twin_fails_and_is_classified(record: Record, wrong: Wrong):
    if wrong.diagnosis == "shape error":
        with pytest.raises(ShapeError, match=r"at col \d+"):
            record.judge(wrong.claim, wrong.let)
        return
    v = record.judge(wrong.claim, wrong.let)
    context = f"[{record.source}] {wrong.mistake}: {wrong.claim!r}\n{v}"
    assert v.outcome == "fails", context
    assert v.agree, context
    assert v.counterexample is not None, context
    kinds = [d.kind for d in v.diagnoses]
    assert wrong.diagnosis in kinds, f"diagnoses {kinds}\n{context}"
    _counterexample_is_real(record, wrong, v.counterexample)


# -- the command line, as a student runs it --------------------------------------------------
def _twin(key: str) -> tuple[Record, Wrong]:
    """The wrong twin ``id~i`` of the corpus."""
    name, index = key.rsplit("~", 1)
    record = next(r for r in RECORDS if r.id == name)
    return record, record.wrong[int(index)]


@pytest.mark.parametrize("key", ["poisson-nll~0", "logistic01-cross-entropy-square~1",
                                 "logistic01-cross-entropy-square~0", "logistic01-logits~0",
                                 "logistic01-cross-entropy~1"])
def test_cli_names_the_mistake(key: str):
    record, wrong = _twin(key)
    result = CliRunner().invoke(main, ["grad", record.f, "--wrt", record.wrt,
                                       "--let", record.let, "--claim", wrong.claim])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("✗ FAILS"), result.output
    messages = [d.message for d in record.judge(wrong.claim).diagnoses
                if d.kind == wrong.diagnosis]
    assert messages, f"no {wrong.diagnosis!r} diagnosis"
    assert f"    • {messages[0]}" in result.output.splitlines(), result.output


def test_cli_refuses_a_missing_transpose_with_its_column():
    record, wrong = _twin("logistic01-cross-entropy~2")
    assert wrong.diagnosis == "shape error"
    result = CliRunner().invoke(main, ["grad", record.f, "--wrt", record.wrt,
                                       "--let", record.let, "--claim", wrong.claim])
    assert result.exit_code == 2, result.output
    assert re.match(r"Error: .* at col \d+ ", result.output), result.output
