"""A table of standard matrix-calculus identities, each with wrong variants that must fail.

Every record names its source.  "Matrix Cookbook (2012)" is Petersen & Pedersen,
*The Matrix Cookbook*, version of 15 November 2012; equation numbers refer to that
edition.  "B&V" is Boyd & Vandenberghe, *Convex Optimization* (2004), "ESL" is
Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning* (2nd ed.),
"PRML" is Bishop, *Pattern Recognition and Machine Learning* (2006).

Conventions of symderiv: gradients are in denominator layout (the shape of the
variable), and every entry of a matrix variable is independent, so
d logdet(S)/dS = inv(S).T even for symmetric S.

For each record the right claim must *hold* and each wrong variant must *fail*
with a counterexample, the engines agreeing in both cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import symderiv
from symderiv import check_equal, check_gradient, check_hessian


@dataclass(frozen=True, slots=True)
class Identity:
    """One identity: ``claim`` is right, every entry of ``wrong`` is wrong."""

    name: str
    source: str
    task: str  # "gradient" | "hessian" | "equal"
    f: str  # the function (gradient, hessian) or the left-hand side (equal)
    let: str
    claim: str  # the right gradient / Hessian / right-hand side
    wrong: tuple[str, ...]
    wrt: str | None = None

    def check(self, claim: str):
        if self.task == "equal":
            return check_equal(self.f, claim, let=self.let)
        judge = check_gradient if self.task == "gradient" else check_hessian
        return judge(self.f, wrt=self.wrt, claim=claim, let=self.let)


def G(name, source, f, wrt, let, claim, *wrong):  # table shorthand
    return Identity(name, source, "gradient", f, let, claim, tuple(wrong), wrt)


def H(name, source, f, wrt, let, claim, *wrong):  # table shorthand
    return Identity(name, source, "hessian", f, let, claim, tuple(wrong), wrt)


def E(name, source, lhs, rhs, let, *wrong):  # table shorthand
    return Identity(name, source, "equal", lhs, let, rhs, tuple(wrong))


CB = "Matrix Cookbook (2012)"

IDENTITIES: tuple[Identity, ...] = (
    # -- linear forms ---------------------------------------------------------------------
    G("grad-a.x", f"{CB} eq. 69", "a @ x", "x", "x: n; a: n",
      "a",
      "x", "2 * a", "-a"),
    G("grad-x.a", f"{CB} eq. 69", "x.T @ a", "x", "x: n; a: n",
      "a",
      "a * (a @ x)"),
    G("grad-aXb", f"{CB} eq. 70", "a.T @ X @ b", "X", "X: m x n; a: m; b: n",
      "outer(a, b)",
      "-outer(a, b)", "2 * outer(a, b)"),
    G("grad-aXb-square", f"{CB} eq. 70", "a.T @ X @ b", "X", "X: n x n; a: n; b: n",
      "outer(a, b)",
      "outer(b, a)"),
    G("grad-aXTb", f"{CB} eq. 71", "a.T @ X.T @ b", "X", "X: n x n; a: n; b: n",
      "outer(b, a)",
      "outer(a, b)"),
    G("grad-aXa", f"{CB} eq. 72", "a.T @ X @ a", "X", "X: n x n; a: n",
      "outer(a, a)",
      "2 * outer(a, a)", "a @ a * eye(n)"),
    # -- traces -----------------------------------------------------------------------------
    G("grad-trace-X", f"{CB} eq. 99", "trace(X)", "X", "X: n x n",
      "eye(n)",
      "X", "ones(n, n)"),
    G("grad-trace-AX", f"{CB} eq. 100", "trace(A @ X)", "X", "X: n x m; A: m x n",
      "A.T",
      "2 * A.T", "-A.T"),
    G("grad-trace-AX-square", f"{CB} eq. 100", "trace(A @ X)", "X", "X: n x n; A: n x n",
      "A.T",
      "A"),
    G("grad-trace-AXB", f"{CB} eq. 101", "trace(A @ X @ B)", "X",
      "X: n x n; A: n x n; B: n x n",
      "A.T @ B.T",
      "B.T @ A.T", "A @ B", "B @ A"),
    G("grad-trace-AXB-rect", f"{CB} eq. 101", "trace(A @ X @ B)", "X",
      "X: m x n; A: p x m; B: n x p",
      "(B @ A).T",
      "-(B @ A).T"),
    G("grad-trace-AXTB", f"{CB} eq. 102", "trace(A @ X.T @ B)", "X",
      "X: n x n; A: n x n; B: n x n",
      "B @ A",
      "A @ B", "(B @ A).T"),
    G("grad-trace-XTA", f"{CB} eq. 103", "trace(X.T @ A)", "X", "X: m x n; A: m x n",
      "A",
      "2 * A"),
    G("grad-trace-XTA-square", f"{CB} eq. 103", "trace(X.T @ A)", "X", "X: n x n; A: n x n",
      "A",
      "A.T"),
    G("grad-trace-XX", f"{CB} eq. 106", "trace(X @ X)", "X", "X: n x n",
      "2 * X.T",
      "2 * X", "X.T"),
    G("grad-trace-XTAX", f"{CB} eq. 108", "trace(X.T @ A @ X)", "X", "X: n x m; A: n x n",
      "(A + A.T) @ X",
      "2 * A @ X", "A @ X"),
    G("grad-trace-XTAX-sym", f"{CB} eq. 108 (A symmetric)", "trace(X.T @ A @ X)", "X",
      "X: n x m; A: n x n, symmetric",
      "2 * A @ X",
      "A @ X", "2 * X"),
    G("grad-trace-XBXT", f"{CB} eq. 111", "trace(X @ B @ X.T)", "X", "X: m x n; B: n x n",
      "X @ B.T + X @ B",
      "2 * X @ B"),
    G("grad-trace-XTX", f"{CB} eq. 115", "trace(X.T @ X)", "X", "X: m x n",
      "2 * X",
      "X"),
    # -- second-order forms in a matrix -------------------------------------------------------
    G("grad-bXTXc", f"{CB} eq. 77", "b.T @ X.T @ X @ c", "X", "X: m x n; b: n; c: n",
      "X @ (outer(b, c) + outer(c, b))",
      "2 * X @ outer(b, c)", "X @ outer(b, c)"),
    G("grad-bXTDXc", f"{CB} eq. 82", "b.T @ X.T @ D @ X @ c", "X",
      "X: m x n; b: n; c: n; D: m x m",
      "D.T @ X @ outer(b, c) + D @ X @ outer(c, b)",
      "2 * D @ X @ outer(b, c)", "D @ X @ outer(b, c) + D.T @ X @ outer(c, b)"),
    G("grad-XbcDXbc", f"{CB} eq. 83", "(X @ b + c).T @ D @ (X @ b + c)", "X",
      "X: m x n; b: n; c: m; D: m x m",
      "(D + D.T) @ outer(X @ b + c, b)",
      "2 * D @ outer(X @ b + c, b)"),
    # -- quadratic forms in a vector ---------------------------------------------------------
    G("grad-xAx", f"{CB} eq. 81", "x.T @ A @ x", "x", "x: n; A: n x n",
      "(A + A.T) @ x",
      "2 * A @ x", "A @ x", "2 * A.T @ x"),
    G("grad-xAx-sym", f"{CB} eq. 81 (A symmetric)", "x.T @ A @ x", "x",
      "x: n; A: n x n, symmetric",
      "2 * A @ x",
      "A @ x", "2 * x"),
    G("grad-xATAx", "standard: xᵀAᵀAx = ‖Ax‖², B&V A.4.1", "x.T @ A.T @ A @ x", "x",
      "x: n; A: m x n",
      "2 * A.T @ A @ x",
      "A.T @ A @ x", "-2 * A.T @ A @ x"),
    G("grad-affine-quadratic", f"{CB} eq. 78", "(A @ x + b).T @ C @ (D @ x + e)", "x",
      "x: n; A: m x n; b: m; C: m x m; D: m x n; e: m",
      "A.T @ C @ (D @ x + e) + D.T @ C.T @ (A @ x + b)",
      "A.T @ C @ (D @ x + e) + D.T @ C @ (A @ x + b)",
      "A.T @ C @ (D @ x + e)"),
    G("grad-weighted-s", f"{CB} eqs. 84–88 (W symmetric)", "(x - A @ s).T @ W @ (x - A @ s)",
      "s", "x: m; s: n; A: m x n; W: m x m, symmetric",
      "-2 * A.T @ W @ (x - A @ s)",
      "2 * A.T @ W @ (x - A @ s)", "-A.T @ W @ (x - A @ s)"),
    G("grad-weighted-x", f"{CB} eqs. 84–88 (W symmetric)", "(x - A @ s).T @ W @ (x - A @ s)",
      "x", "x: m; s: n; A: m x n; W: m x m, symmetric",
      "2 * W @ (x - A @ s)",
      "W @ (x - A @ s)", "2 * (x - A @ s)"),
    G("grad-weighted-A", f"{CB} eqs. 84–88 (W symmetric)", "(x - A @ s).T @ W @ (x - A @ s)",
      "A", "x: m; s: n; A: m x n; W: m x m, symmetric",
      "-2 * W @ outer(x - A @ s, s)",
      "2 * W @ outer(x - A @ s, s)", "-W @ outer(x - A @ s, s)"),
    # -- least squares, ridge, weighted least squares -------------------------------------------
    G("grad-least-squares", "standard: least squares; B&V A.4.1, ESL §3.2",
      "norm(y - X @ w)**2", "w", "X: m x n; y: m; w: n",
      "2 * X.T @ (X @ w - y)",
      "-2 * X.T @ y + X.T @ X @ w", "2 * X.T @ (y - X @ w)", "X.T @ (X @ w - y)"),
    G("grad-least-squares-half", "standard: least squares with ½ (ESL §3.2)",
      "norm(y - X @ w)**2 / 2", "w", "X: m x n; y: m; w: n",
      "X.T @ (X @ w - y)",
      "2 * X.T @ (X @ w - y)", "X.T @ X @ w - X.T @ y / 2"),
    G("grad-least-squares-Axb", "standard: least squares ‖Ax − b‖² (B&V A.4.1)",
      "norm(A @ x - b)**2", "x", "x: n; A: m x n; b: m",
      "2 * A.T @ (A @ x - b)",
      "2 * A.T @ A @ x - b @ A", "2 * A.T @ (A @ x + b)"),
    G("grad-ridge", "standard: ridge regression (ESL §3.4.1)",
      "norm(y - X @ w)**2 + lam * w @ w", "w", "X: m x n; y: m; w: n",
      "2 * X.T @ (X @ w - y) + 2 * lam * w",
      "2 * X.T @ (X @ w - y) + lam * w", "2 * X.T @ (X @ w - y)"),
    G("grad-ridge-lam", "standard: ridge regression, derivative in λ (ESL §3.4.1)",
      "norm(y - X @ w)**2 + lam * w @ w", "lam", "X: m x n; y: m; w: n",
      "w @ w",
      "2 * lam * (w @ w)", "norm(w)"),
    G("grad-wls-sym", f"standard: weighted least squares; {CB} eqs. 84–88",
      "(y - X @ w).T @ W @ (y - X @ w)", "w", "X: m x n; y: m; w: n; W: m x m, symmetric",
      "-2 * X.T @ W @ (y - X @ w)",
      "-X.T @ W @ (y - X @ w)", "-2 * X.T @ (y - X @ w)"),
    G("grad-wls-pd", f"standard: weighted least squares; {CB} eqs. 84–88",
      "(y - X @ w).T @ W @ (y - X @ w)", "w",
      "X: m x n; y: m; w: n; W: m x m, positive definite",
      "2 * X.T @ W @ (X @ w - y)",
      "2 * X.T @ W @ (y - X @ w)", "2 * X.T @ W @ X @ w"),
    G("grad-wls-general", f"standard: weighted least squares, W not symmetric; {CB} eq. 78",
      "(y - X @ w).T @ W @ (y - X @ w)", "w", "X: m x n; y: m; w: n; W: m x m",
      "-X.T @ (W + W.T) @ (y - X @ w)",
      "-2 * X.T @ W @ (y - X @ w)"),
    # -- determinants and log-determinants --------------------------------------------------------
    G("grad-det", f"{CB} eq. 49", "det(X)", "X", "X: n x n",
      "det(X) * inv(X).T",
      "det(X) * inv(X)", "inv(X).T"),
    G("grad-det-AXB", f"{CB} eq. 51", "det(A @ X @ B)", "X", "X: n x n; A: n x n; B: n x n",
      "det(A @ X @ B) * inv(X).T",
      "det(A @ X @ B) * inv(X)", "det(A @ X @ B) * inv(A @ X @ B).T"),
    G("grad-logdet", f"{CB} eq. 57", "logdet(X)", "X", "X: n x n",
      "inv(X).T",
      "inv(X)", "X.T"),
    G("grad-logdet-pd", f"{CB} eq. 57; B&V A.4.1 (log det)", "logdet(S)", "S",
      "S: n x n, positive definite",
      "inv(S)",
      "-inv(S)", "S"),
    G("grad-logdet-AXB", f"{CB} eqs. 51 and 57 (chain rule)", "logdet(A @ X @ B)", "X",
      "X: n x n; A: n x n; B: n x n",
      "inv(X).T",
      "inv(A @ X @ B).T", "inv(X)"),
    # -- inverses ---------------------------------------------------------------------------
    G("grad-trace-invX-A", f"{CB} eq. 63 (B = I)", "trace(inv(X) @ A)", "X",
      "X: n x n; A: n x n",
      "-(inv(X) @ A @ inv(X)).T",
      "-inv(X) @ A @ inv(X)", "(inv(X) @ A @ inv(X)).T", "-inv(X).T @ A @ inv(X).T"),
    G("grad-a-invX-b", f"{CB} eq. 61", "a.T @ inv(X) @ b", "X", "X: n x n; a: n; b: n",
      "-inv(X).T @ outer(a, b) @ inv(X).T",
      "-inv(X) @ outer(a, b) @ inv(X)", "inv(X).T @ outer(a, b) @ inv(X).T"),
    G("grad-quadratic-invS", f"{CB} eq. 61 (a = b = x, S symmetric)", "x @ inv(S) @ x", "S",
      "x: n; S: n x n, positive definite",
      "-inv(S) @ outer(x, x) @ inv(S)",
      "inv(S) @ outer(x, x) @ inv(S)", "-outer(x, x)"),
    G("grad-quadratic-invS-x", "standard: Mahalanobis form, ∇ xᵀS⁻¹x = 2S⁻¹x (S symmetric)",
      "x @ inv(S) @ x", "x", "x: n; S: n x n, positive definite",
      "2 * inv(S) @ x",
      "inv(S) @ x", "2 * S @ x"),
    G("grad-logdet-pencil", "standard: Jacobi's formula, d/dt log det(A + tB) = Tr((A + tB)⁻¹B)",
      "logdet(A + t * B)", "t", "A: n x n, positive definite; B: n x n, symmetric",
      "trace(inv(A + t * B) @ B)",
      "trace(B)", "trace(inv(A + t * B)) * trace(B)"),
    # -- norms ------------------------------------------------------------------------------
    G("grad-norm", f"{CB} eq. 129 (a = 0)", "norm(x)", "x", "x: n",
      "x / norm(x)",
      "x", "2 * x", "x / norm(x)**2"),
    G("grad-norm-sq", f"{CB} eq. 131", "norm(x)**2", "x", "x: n",
      "2 * x",
      "x", "2 * norm(x) * x"),
    G("grad-norm-shift", f"{CB} eq. 129", "norm(x - a)", "x", "x: n; a: n",
      "(x - a) / norm(x - a)",
      "(x - a) / norm(x - a)**2", "x / norm(x)"),
    G("grad-frobenius-sq", f"{CB} eq. 132 (Frobenius, ‖X‖² = Tr(XᵀX))", "norm(X)**2", "X",
      "X: m x n",
      "2 * X",
      "X", "2 * norm(X) * X"),
    G("grad-norm-Axb", "standard: chain rule on ‖Ax − b‖ (B&V A.4.1)", "norm(A @ x - b)", "x",
      "x: n; A: m x n; b: m",
      "A.T @ (A @ x - b) / norm(A @ x - b)",
      "A.T @ (A @ x - b)", "2 * A.T @ (A @ x - b) / norm(A @ x - b)"),
    # -- exp and log of linear forms ----------------------------------------------------------
    G("grad-exp-ax", "standard: chain rule, ∇ exp(aᵀx) = exp(aᵀx) a", "exp(a @ x)", "x",
      "x: n; a: n",
      "exp(a @ x) * a",
      "exp(a @ x) * x", "a", "(a @ x) * exp(a @ x) * a"),
    G("grad-log-ax", "standard: chain rule, ∇ log(aᵀx) = a / (aᵀx)", "log(a @ x)", "x",
      "x: n; a: n",
      "a / (a @ x)",
      "x / (a @ x)", "a * log(a @ x)", "1 / (a @ x) * ones(n)"),
    G("grad-logistic", "standard: logistic loss; PRML §4.3.2 (eq. 4.91)",
      "log(1 + exp(a @ x))", "x", "x: n; a: n",
      "a * exp(a @ x) / (1 + exp(a @ x))",
      "a / (1 + exp(a @ x))", "a * exp(a @ x)", "exp(a @ x) / (1 + exp(a @ x)) * x"),
    G("grad-logistic-sigmoid", "standard: logistic loss, σ form; PRML §4.3.2 (eq. 4.91)",
      "log(1 + exp(a @ x))", "x", "x: n; a: n",
      "a / (1 + exp(-(a @ x)))",
      "a / (1 + exp(a @ x))"),
    G("grad-logistic-regression", "standard: logistic regression NLL; PRML eq. 4.91",
      "sum(log(1 + exp(X @ w))) - y @ X @ w", "w", "X: m x n; y: m; w: n",
      "X.T @ (1 / (1 + exp(-(X @ w))) - y)",
      "X.T @ (1 / (1 + exp(X @ w)) - y)", "X.T @ (exp(X @ w) - y)"),
    # -- Hessians -------------------------------------------------------------------------------
    H("hess-xAx", f"{CB} eq. 81, differentiated again", "x.T @ A @ x", "x", "x: n; A: n x n",
      "A + A.T",
      "2 * A", "A"),
    H("hess-xAx-sym", "B&V A.4.3 (quadratic function)", "x.T @ A @ x", "x",
      "x: n; A: n x n, symmetric",
      "2 * A",
      "A", "4 * A"),
    H("hess-least-squares", "standard: least squares; B&V A.4.3, ESL §3.2",
      "norm(y - X @ w)**2", "w", "X: m x n; y: m; w: n",
      "2 * X.T @ X",
      "X.T @ X", "-2 * X.T @ X"),
    H("hess-ridge", "standard: ridge regression (ESL §3.4.1)",
      "norm(y - X @ w)**2 + lam * w @ w", "w", "X: m x n; y: m; w: n",
      "2 * X.T @ X + 2 * lam * eye(n)",
      "2 * X.T @ X + lam * eye(n)", "2 * X.T @ X", "2 * X.T @ X + 2 * lam"),
    H("hess-wls", f"standard: weighted least squares; {CB} eqs. 84–88",
      "(y - X @ w).T @ W @ (y - X @ w)", "w", "X: m x n; y: m; w: n; W: m x m, symmetric",
      "2 * X.T @ W @ X",
      "X.T @ W @ X", "2 * X.T @ X"),
    H("hess-exp-ax", "standard: chain rule", "exp(a @ x)", "x", "x: n; a: n",
      "exp(a @ x) * outer(a, a)",
      "exp(a @ x) * eye(n)", "outer(a, a)", "exp(a @ x) * (a @ a) * eye(n)"),
    H("hess-norm-sq", f"{CB} eq. 131, differentiated again", "norm(x)**2", "x", "x: n",
      "2 * eye(n)",
      "eye(n)", "2 * ones(n, n)", "2 * outer(x, x)"),
    H("hess-norm", "standard: ∇²‖x‖ = (I − xxᵀ/‖x‖²)/‖x‖", "norm(x)", "x", "x: n",
      "(eye(n) - outer(x, x) / norm(x)**2) / norm(x)",
      "eye(n) / norm(x)", "(eye(n) - outer(x, x)) / norm(x)"),
    H("hess-logistic", "standard: logistic loss; PRML §4.3.3 (eq. 4.97)",
      "log(1 + exp(a @ x))", "x", "x: n; a: n",
      "exp(a @ x) / (1 + exp(a @ x))**2 * outer(a, a)",
      "exp(a @ x) / (1 + exp(a @ x)) * outer(a, a)", "outer(a, a)"),
    H("hess-log-scalar", "standard: d²/dt² log(t) = −1/t²", "log(t)", "t", "t: scalar",
      "-1 / t**2",
      "1 / t**2", "-1 / t"),
    H("hess-logdet-pencil", "standard: d²/dt² log det(A + tB) = −Tr((A + tB)⁻¹B(A + tB)⁻¹B)",
      "logdet(A + t * B)", "t", "A: n x n, positive definite; B: n x n, symmetric",
      "-trace(inv(A + t * B) @ B @ inv(A + t * B) @ B)",
      "trace(inv(A + t * B) @ B @ inv(A + t * B) @ B)", "-trace(inv(A + t * B) @ B)**2"),
    H("hess-square-linear", "standard: ∇²(aᵀx)² = 2aaᵀ", "(a @ x)**2", "x", "x: n; a: n",
      "2 * outer(a, a)",
      "2 * (a @ a) * eye(n)", "outer(a, a)"),
    H("hess-logistic-regression", "standard: logistic regression NLL; PRML eq. 4.97 (XᵀRX)",
      "sum(log(1 + exp(X @ w))) - y @ X @ w", "w", "X: m x n; y: m; w: n",
      "X.T @ diag(exp(X @ w) / (1 + exp(X @ w))**2) @ X",
      "X.T @ diag(exp(X @ w) / (1 + exp(X @ w))) @ X", "X.T @ X / 4"),
    # -- identities (check_equal) -------------------------------------------------------------
    E("eq-transpose-product", f"{CB} eq. 5", "(A @ B).T", "B.T @ A.T", "A: m x k; B: k x n",
      "-B.T @ A.T"),
    E("eq-transpose-product-square", f"{CB} eq. 5", "(A @ B).T", "B.T @ A.T",
      "A: n x n; B: n x n",
      "A.T @ B.T", "A @ B"),
    E("eq-transpose-sum", f"{CB} eq. 4", "(A + B).T", "A.T + B.T", "A: n x n; B: n x n",
      "A + B"),
    E("eq-inverse-product", f"{CB} eq. 1", "inv(A @ B)", "inv(B) @ inv(A)",
      "A, B: n x n, invertible",
      "inv(A) @ inv(B)"),
    E("eq-inverse-transpose", f"{CB} eq. 3", "inv(A.T)", "inv(A).T", "A: n x n, invertible",
      "inv(A)"),
    E("eq-double-transpose", "standard: (Aᵀ)ᵀ = A", "(A.T).T", "A", "A: n x n",
      "A.T"),
    E("eq-trace-cyclic-2", f"{CB} eq. 14", "trace(A @ B)", "trace(B @ A)", "A: m x n; B: n x m",
      "trace(A @ B) + 1"),
    E("eq-trace-cyclic-2-square", f"{CB} eq. 14", "trace(A @ B)", "trace(B @ A)",
      "A: n x n; B: n x n",
      "trace(A.T @ B)", "trace(A) * trace(B)"),
    E("eq-trace-cyclic-3", f"{CB} eq. 16", "trace(A @ B @ C)", "trace(C @ A @ B)",
      "A: n x n; B: n x n; C: n x n",
      "trace(B @ A @ C)", "trace(C @ B @ A)"),
    E("eq-trace-transpose", f"{CB} eq. 13", "trace(A)", "trace(A.T)", "A: n x n",
      "-trace(A)"),
    E("eq-trace-sum", f"{CB} eq. 15", "trace(A + B)", "trace(A) + trace(B)",
      "A: n x n; B: n x n",
      "trace(A @ B)"),
    E("eq-trace-outer", f"{CB} eq. 17", "a @ a", "trace(outer(a, a))", "a: n",
      "sum(outer(a, a))"),
    E("eq-trace-hadamard", f"{CB} eq. 17 family: Tr(AᵀB) = Σ A_ij B_ij", "trace(A.T @ B)",
      "sum(A * B)", "A: m x n; B: m x n",
      "sum(A) * sum(B)", "trace(A.T @ B) * 2"),
    E("eq-det-product", f"{CB} eq. 21", "det(A @ B)", "det(A) * det(B)", "A: n x n; B: n x n",
      "det(A) + det(B)"),
    E("eq-det-transpose", f"{CB} eq. 20", "det(A.T)", "det(A)", "A: n x n",
      "-det(A)"),
    E("eq-det-scale", f"{CB} eq. 19 (n = 3)", "det(c * A)", "c**3 * det(A)", "A: 3 x 3",
      "c * det(A)", "c**2 * det(A)"),
    E("eq-det-inverse", f"{CB} eq. 22", "det(inv(A))", "1 / det(A)", "A: n x n, invertible",
      "det(A)", "-det(A)"),
    E("eq-det-rank-one", f"{CB} eq. 24", "det(eye(n) + outer(u, v))", "1 + u @ v",
      "u: n; v: n",
      "1 + u @ v + (u @ v)**2"),
    E("eq-logdet-product", "standard: log det(AB) = log det A + log det B",
      "logdet(A @ B)", "logdet(A) + logdet(B)", "A, B: n x n, positive definite",
      "logdet(A) * logdet(B)"),
    E("eq-norm-sq-dot", "standard: ‖x‖² = xᵀx", "norm(x)**2", "x @ x", "x: n",
      "norm(x)", "2 * (x @ x)"),
    E("eq-frobenius-trace", f"{CB} §2.7 / eq. 17: ‖X‖_F² = Tr(XᵀX)", "norm(X)**2",
      "trace(X.T @ X)", "X: m x n",
      "sum(X)**2", "trace(X.T @ X)**2"),
    E("eq-frobenius-hadamard", "standard: ‖X‖_F² = Σ X_ij²", "norm(X)**2", "sum(X * X)",
      "X: m x n",
      "sum(X) * sum(X)"),
    E("eq-quadratic-transpose", "standard: xᵀAx = (xᵀAx)ᵀ = xᵀAᵀx", "x.T @ A @ x",
      "x.T @ A.T @ x", "x: n; A: n x n",
      "x.T @ (A + A.T) @ x", "x.T @ A @ A @ x"),
    E("eq-least-squares-expand", "standard: least squares (ESL §3.2)", "norm(y - X @ w)**2",
      "y @ y - 2 * y @ X @ w + w @ X.T @ X @ w", "X: m x n; y: m; w: n",
      "y @ y - y @ X @ w + w @ X.T @ X @ w", "y @ y + w @ X.T @ X @ w"),
    E("eq-symmetric", "definition: symmetric A = Aᵀ", "A.T", "A", "A: n x n, symmetric",
      "-A"),
    E("eq-orthogonal", "definition: orthogonal QᵀQ = I", "Q.T @ Q", "eye(n)",
      "Q: n x n, orthogonal",
      "Q @ Q", "2 * eye(n)"),
    E("eq-orthogonal-norm", "standard: orthogonal maps preserve the norm", "norm(Q @ x)",
      "norm(x)", "Q: n x n, orthogonal; x: n",
      "norm(x)**2"),
    E("eq-sherman-morrison", f"{CB} eq. 160 (Sherman–Morrison)", "inv(A + outer(u, v))",
      "inv(A) - inv(A) @ outer(u, v) @ inv(A) / (1 + v @ inv(A) @ u)",
      "A: n x n, invertible; u: n; v: n",
      "inv(A) - inv(A) @ outer(u, v) @ inv(A)",
      "inv(A) - inv(A) @ outer(v, u) @ inv(A) / (1 + v @ inv(A) @ u)"),
    E("eq-woodbury", f"{CB} eq. 156 (Woodbury)", "inv(A + U @ C @ V)",
      "inv(A) - inv(A) @ U @ inv(inv(C) + V @ inv(A) @ U) @ V @ inv(A)",
      "A: n x n, invertible; C: k x k, invertible; U: n x k; V: k x n",
      "inv(A) - inv(A) @ U @ inv(C + V @ inv(A) @ U) @ V @ inv(A)",
      "inv(A) - inv(A) @ U @ C @ V @ inv(A)"),
)



def _cases(*, right: bool) -> list:
    out = []
    for ident in IDENTITIES:
        claims = [(ident.name, ident.claim)] if right else [
            (f"{ident.name}~wrong{i}", w) for i, w in enumerate(ident.wrong)]
        for case_id, claim in claims:
            out.append(pytest.param(ident, claim, id=case_id))
    return out


def test_table_is_well_formed():
    names = [i.name for i in IDENTITIES]
    assert len(names) == len(set(names)), "identity names must be unique"
    assert len(IDENTITIES) >= 45
    for ident in IDENTITIES:
        assert ident.source.strip(), ident.name
        assert ident.task in ("gradient", "hessian", "equal"), ident.name
        assert (ident.wrt is None) == (ident.task == "equal"), ident.name
        assert ident.wrong and ident.claim not in ident.wrong, ident.name


@pytest.mark.parametrize(("ident", "claim"), _cases(right=True))
def test_identity_holds(ident: Identity, claim: str):
    v = ident.check(claim)
    assert v.outcome == "holds", f"[{ident.source}]\n{v}"
    assert v.agree, f"[{ident.source}]\n{v}"
    assert v.counterexample is None


@pytest.mark.parametrize(("ident", "claim"), _cases(right=False))
def test_wrong_variant_fails(ident: Identity, claim: str):
    v = ident.check(claim)
    assert v.outcome == "fails", f"[{ident.source}] wrong variant {claim!r}\n{v}"
    assert v.counterexample is not None, f"[{ident.source}] wrong variant {claim!r}\n{v}"
    assert v.agree, f"[{ident.source}] wrong variant {claim!r}\n{v}"


@pytest.mark.parametrize(("lhs", "rhs"), [
    # found by the singular-points fuzz test (tests/test_fuzz.py): SymPy's simplification of
    # lhs − rhs raised TypeError ("Input to Determinant, 2*A.T, not a matrix"),
    # AttributeError or NotImplementedError; the symbolic engine now abstains
    ("sqrt(det(2*A)**2)", "sqrt(det(2*A.T)**2)"),
    ("sqrt(det(sqrt(2) * sqrt(2) * A) ** 2)", "sqrt(det((sqrt(2) * sqrt(2) * A).T) ** 2)"),
    ("sqrt(det(sqrt(2) * (A - A.T).T) ** 2)", "sqrt(det((sqrt(2) * (A - A.T).T).T) ** 2)"),
])
def test_identities_sympy_cannot_simplify_are_decided_at_points(lhs, rhs):
    v = check_equal(lhs, rhs, let="A: n x n")
    assert v.outcome == "holds", str(v)
    assert v.evidence[0].outcome == "undecided"
    assert v.evidence[0].detail.startswith("simplification failed")


def test_a_product_sympy_cannot_build_is_a_located_error():
    """Found by the same fuzz test: SymPy's automatic simplification of log(3)·√(det(M)²)
    raised TypeError inside the parser (an internal error, exit 4)."""
    with pytest.raises(symderiv.ParseError, match="SymPy fails on it"):
        check_equal("log(3) * sqrt(det(sqrt(2) * A + A - A.T) ** 2)", "0", let="A: n x n")
