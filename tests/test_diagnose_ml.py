"""The mistake detectors on the gradients of machine-learning losses: each names the kind of
mistake a person would (the sign, a factor 2, a missing σ′, labels that must be ±1) and is
silent on the true claim.

Sources: the ML corpus (tests/corpus/ml_losses.toml) and the tester's findings on it — the
sign of the logistic gradient found at 60 digits against an exact −1, a constant −1 in
floating point printed as "−1 ×", a missing factor 2 beside a penalty λ·sign(w), "dimension 1
only" said of Huber's piecewise gradient, the missing σ′, and undeclared ±1, 0/1 or one-hot
labels.
"""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner
from test_diagnose import LS, gradient_case, kinds

from symderiv import check_gradient, check_hessian
from symderiv import diagnose as dg
from symderiv.cli import main
from symderiv.engines.exact import Sample
from symderiv.verdict import Diagnosis

LOGISTIC01 = "-sum(y * log(sigmoid(X @ w)) + (1 - y) * log(1 - sigmoid(X @ w)))"
LOGISTIC_PM1 = "sum(log(1 + exp(-y * (X @ w))))"
MLP = "V: h x h; W: h x n; x: n; y: h"
LASSO = "norm(X @ w - y)**2 + lam * sum(abs(w))"
LAM = LS + "; lam: scalar, positive"
HUBER = "sum(where(abs(r) <= d, 0.5 * r**2, d * (abs(r) - 0.5 * d)))"
HUBER_LET = "r: n; d: scalar, positive"


def cli_lines(f: str, wrt: str, let: str, claim: str, command: str = "grad") -> list[str]:
    result = CliRunner().invoke(main, [command, f, "--wrt", wrt, "--let", let,
                                       "--claim", claim])
    assert result.exit_code == 1, result.output
    return result.output.splitlines()


def found(f: str, wrt: str, claim: str, let: str) -> list[Diagnosis]:
    case = gradient_case(f, wrt, claim, let)
    return dg.diagnose(case.trial, case.samples)[0]


# -- the sign, whether the ratio −1 is exact, at 60 digits or both ---------------------------
def _sample(truth, claim, exact):
    return Sample({}, {}, np.array(truth, dtype=object), np.array(claim, dtype=object), exact,
                  False, 0.0)


def test_an_exact_ratio_is_compared_with_60_digit_ones_to_a_tolerance():
    mpmath.mp.dps = 60
    near = mpmath.mpf(-1) + mpmath.mpf(10) ** -61
    samples = [_sample([mpmath.mpf(3)], [3 * near], False),
               _sample([Fraction(2)], [Fraction(-2)], True)]
    assert dg._ratio(samples) == Fraction(-1)  # the exact one, though it came second
    assert dg._ratio([*samples, _sample([Fraction(1)], [Fraction(-2)], True)]) is None


def test_the_sign_of_the_logistic_gradient():
    # CS229 Part II §5: the gradient of the log-likelihood given for the loss −ℓ
    claim = "X.T @ (y - sigmoid(X @ w))"
    assert kinds(found(LOGISTIC01, "w", claim, LS)) == ["sign"]
    assert "    • the sign is wrong: the claim is −1 × the correct result" in cli_lines(
        LOGISTIC01, "w", LS, claim)


@pytest.mark.parametrize(("f", "wrt", "claim", "let"), [
    (LOGISTIC_PM1, "w", "X.T @ (y * sigmoid(-y * (X @ w)))", LS),
    ("sum((V @ tanh(W @ x) - y)**2)", "W",
     "-2 * outer((V.T @ (V @ tanh(W @ x) - y)) * (1 - tanh(W @ x)**2), x)", MLP),
])
def test_a_ratio_of_minus_one_in_60_digits_is_the_sign(f, wrt, claim, let):
    diagnoses = found(f, wrt, claim, let)
    assert kinds(diagnoses) == ["sign"]
    assert "−1 ×" in diagnoses[0].message and "multiplied by -1" not in diagnoses[0].message


def test_the_sign_of_the_logistic_hessian():
    # ESL (4.22): −XᵀWX is the Hessian of the log-likelihood, not of the loss
    v = check_hessian(LOGISTIC01, wrt="w", let=LS,
                      claim="-X.T @ diag(sigmoid(X @ w) * (1 - sigmoid(X @ w))) @ X")
    assert v.outcome == "fails" and kinds(v.diagnoses) == ["sign"]


# -- terms with a symbolic coefficient --------------------------------------------------------
def test_the_missing_factor_2_beside_a_penalty():
    # the talk's erratum with an L1 penalty: λ·sign(w) is a term, the factor 2 is named
    claim = "X.T @ (X @ w - y) + lam * sign(w)"
    diagnoses = found(LASSO, "w", claim, LAM)
    assert kinds(diagnoses) == ["coefficient", "coefficient"]
    messages = {d.message for d in diagnoses}
    assert messages == {
        "the term XᵀXw has coefficient 1 in the claim, but 2 in the correct result "
        "(a factor 2 missing)",
        "the term Xᵀy has coefficient -1 in the claim, but -2 in the correct result "
        "(a factor 2 missing)"}
    lines = cli_lines(LASSO, "w", LAM, claim)
    assert all(f"    • {m}" in lines for m in messages)


def test_a_penalty_differentiated_as_ridge():
    diagnoses = found(LASSO, "w", "2 * X.T @ (X @ w - y) + lam * w", LAM)
    assert [d.message for d in diagnoses] == ["missing term lam sign(w)", "extra term lam w"]


def test_a_penalty_term_named_by_its_values():
    # the mean logistic loss with a ridge term: the two sides' canonical forms differ (σ²/(1 − σ)
    # terms against σ − y), so the penalty's term is matched by the difference's values
    f = "-sum(y * log(sigmoid(X @ w)) + (1 - y) * log(1 - sigmoid(X @ w))) / c " \
        "+ 0.5 * lam * w @ w"
    let = LS + "; c: scalar, positive; lam: scalar, positive"
    missing = found(f, "w", "X.T @ (sigmoid(X @ w) - y) / c", let)
    assert [d.message for d in missing] == ["missing term lam w"]
    doubled = found(f, "w", "X.T @ (sigmoid(X @ w) - y) / c + 2 * lam * w", let)
    assert [d.message for d in doubled] == [
        "the term lam w has coefficient 2 in the claim, but 1 in the correct result "
        "(2 times too large)"]


@pytest.mark.parametrize(("claimed", "correct", "how"), [
    (1, 2, " (a factor 2 missing)"), (-1, 1, " (the sign is wrong)"),
    (-1, 3, " (a factor 3 missing, and the sign)"), (4, 2, " (2 times too large)"),
    (2, 3, ""),
])
def test_how_a_coefficient_changed(claimed, correct, how):
    assert dg._how(sp.Integer(claimed), sp.Integer(correct)) == how


# -- dimension 1 only where dimension 1 can hide something --------------------------------------
def test_not_dimension_one_for_a_piecewise_gradient():
    # Huber with sign(r) forgotten on the linear piece: its n = 1 points had no r < −d
    case = gradient_case(HUBER, "r", "where(abs(r) <= d, r, d)", HUBER_LET)
    assert dg.dimension_one(case) == []
    assert "dimension 1 only" not in kinds(dg.diagnose(case.trial, case.samples)[0])


def test_dimension_one_needs_more_points_of_dimension_one():
    # ∂ tr(ABX)/∂X = BᵀAᵀ; AᵀBᵀ holds at every point of size 1
    case = gradient_case("trace(A @ B @ X)", "X", "A.T @ B.T", "A: n x n; B: n x n; X: n x n")
    assert dg._one_can_hide(case.claim) and dg._holds_at_one(case)
    assert not dg._one_can_hide(gradient_case(HUBER, "r", "r", HUBER_LET).claim)


# -- a missing derivative of the chain rule -----------------------------------------------------
@pytest.mark.parametrize(("f", "wrt", "claim", "let", "words"), [
    # PRML §5.3: the squared loss on σ(Xw), σ′ = σ(1 − σ) left out
    ("sum((sigmoid(X @ w) - y)**2)", "w", "2 * X.T @ (sigmoid(X @ w) - y)", LS,
     "missing sigmoid′: the claim lacks the factor (1 - sigmoid(Xw)) ∘ sigmoid(Xw), the "
     "derivative of sigmoid at Xw; multiply (sigmoid(Xw) - y) by it entry by entry"),
    # DL §6.5: backpropagation through tanh without tanh′ = 1 − tanh²
    ("sum((V @ tanh(W @ x) - y)**2)", "W", "2 * outer(V.T @ (V @ tanh(W @ x) - y), x)", MLP,
     "missing tanh′: the claim lacks the factor 1 - tanh(Wx)², the derivative of tanh at Wx"),
    # … and through relu without its mask
    ("sum((V @ relu(W @ x) - y)**2)", "W", "2 * outer(V.T @ (V @ relu(W @ x) - y), x)", MLP,
     "missing relu′: the claim lacks the factor heaviside(Wx), the derivative of relu at Wx"),
    # the log of logsumexp: softmax written without its normalisation
    ("logsumexp(z)", "z", "exp(z)", "z: k",
     "missing log′: the claim lacks the factor 1/Σ(exp(z)), the derivative of log at "
     "Σ(exp(z)); multiply exp(z) by it"),
])
def test_missing_derivative(f, wrt, claim, let, words):
    diagnoses = dg.missing_derivative(gradient_case(f, wrt, claim, let))
    assert kinds(diagnoses) == ["missing derivative"]
    assert diagnoses[0].message.startswith(words)


def test_missing_derivative_from_the_command_line():
    f, claim = "sum((sigmoid(X @ w) - y)**2)", "2 * X.T @ (sigmoid(X @ w) - y)"
    lines = cli_lines(f, "w", LS, claim)
    assert any(line.startswith("    • missing sigmoid′: the claim lacks the factor")
               for line in lines), lines


def test_one_factor_of_the_derivative_missing():
    # PRML (4.97): the logistic Hessian XᵀRX with R = diag(σ(1 − σ)); the factor 1 − σ left out
    v = check_hessian(LOGISTIC01, wrt="w", let=LS, claim="X.T @ diag(sigmoid(X @ w)) @ X")
    assert v.outcome == "fails" and kinds(v.diagnoses) == ["missing derivative"]
    assert v.diagnoses[0].message.startswith(
        "missing part of sigmoid′: the claim lacks the factor 1 - sigmoid(Xw) of sigmoid′")


# -- labels that must be ±1, 0/1 or sum to 1 ---------------------------------------------------
def test_right_only_for_labels_in_plus_minus_one():
    # sklearn's _logistic_loss_and_grad with labels ±1, written in the 0/1 form
    claim = "X.T @ (sigmoid(X @ w) - (y + 1) / 2)"
    message = ("right only if the entries of y are in {-1, 1} — declare it "
               "('y: m, entries in {-1, 1}') if so")
    assert [d.message for d in found(LOGISTIC_PM1, "w", claim, LS)] == [message]
    assert f"    • {message}" in cli_lines(LOGISTIC_PM1, "w", LS, claim)
    # and so it is, declared
    declared = check_gradient(LOGISTIC_PM1, wrt="w", claim=claim,
                              let="X: m x n; y: m, entries in {-1, 1}; w: n")
    assert declared.outcome == "holds"


def test_right_only_for_binary_labels():
    # CS229 Part II §5: −log σ((2y − 1)·z) is the cross-entropy for y ∈ {0, 1} only
    f = "-sum(log(sigmoid((2 * y - 1) * (X @ w))))"
    diagnoses = found(f, "w", "X.T @ (sigmoid(X @ w) - y)", LS)
    assert [d.message for d in diagnoses] == [
        "right only if the entries of y are in {0, 1} — declare it ('y: m, binary') if so"]


def test_right_only_for_a_scalar_label_in_plus_minus_one():
    diagnoses = found("log(1 + exp(-y * t))", "t", "sigmoid(t) - (y + 1) / 2",
                      "y: scalar; t: scalar")
    assert [d.message for d in diagnoses] == [
        "right only if y is in {-1, 1} — declare it ('y: scalar, entries in {-1, 1}') if so"]


def test_right_only_for_labels_that_sum_to_one():
    # CS229 Part III §9.3: softmax(z) − y is the gradient for one-hot y
    diagnoses = found("-y @ log(softmax(z))", "z", "softmax(z) - y", "y: k; z: k")
    assert kinds(diagnoses) == ["values only"]
    assert diagnoses[0].message.startswith("right only if the entries of y sum to 1")


# -- silent on true claims ---------------------------------------------------------------------
TRUE = [
    (LOGISTIC01, "w", "X.T @ (sigmoid(X @ w) - y)", LS),
    (LOGISTIC_PM1, "w", "-X.T @ (y * sigmoid(-y * (X @ w)))", LS),
    ("sum((sigmoid(X @ w) - y)**2)", "w",
     "2 * X.T @ ((sigmoid(X @ w) - y) * sigmoid(X @ w) * (1 - sigmoid(X @ w)))", LS),
    ("sum((V @ tanh(W @ x) - y)**2)", "W",
     "2 * outer((V.T @ (V @ tanh(W @ x) - y)) * (1 - tanh(W @ x)**2), x)", MLP),
    (LASSO, "w", "2 * X.T @ (X @ w - y) + lam * sign(w)", LAM),
    ("-y @ log(softmax(z))", "z", "sum(y) * softmax(z) - y", "y: k; z: k"),
    (HUBER, "r", "where(abs(r) <= d, r, d * sign(r))", HUBER_LET),
]


@pytest.mark.parametrize(("f", "wrt", "claim", "let"), TRUE)
def test_no_detector_speaks_on_a_true_claim(f, wrt, claim, let):
    case = gradient_case(f, wrt, claim, let)
    assert all(s.equal for s in case.samples)
    for detect in dg.DETECTORS:
        assert detect(case) == [], detect.__name__
    assert check_gradient(f, wrt=wrt, claim=claim, let=let).outcome == "holds"


def test_a_diagnosis_keeps_a_set_in_braces():
    d = Diagnosis("values only", "right only if {} ∈ {-1, 1}", (sp.Symbol("y"),))
    assert d.message == "right only if y ∈ {-1, 1}"


def test_the_residual_is_shown_as_a_reader_writes_it():
    # the σ²/(1 − σ) terms of the log-likelihood's derivative cancel: what is left is the
    # penalty's term (before: two lines of σ quotients and a term Xᵀ0)
    from symderiv import check_gradient

    v = check_gradient("-sum(y * log(sigmoid(X @ w)) + (1 - y) * log(1 - sigmoid(X @ w)))"
                       " + lam / 2 * norm(w)**2", wrt="w",
                       claim="X.T @ (sigmoid(X @ w) - y) + 2 * lam * w",
                       let="X: m x n; y: m; w: n; lam: scalar")
    assert v.outcome == "fails"
    assert "correct − claim = -lam w" in str(v)
