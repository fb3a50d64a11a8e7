"""The seed examples of the two source talks (``shared/seeds.md``), as data.

``symderiv demo`` runs them, the test suite checks each one, and the tutorial
shows them.  Each names its source.
"""

from __future__ import annotations

from dataclasses import dataclass

from .definitions.division import Division
from .definitions.limits import LimitCheck
from .verdict import Verdict

__all__ = ["SEED_EXAMPLES", "SeedExample", "check_example"]


@dataclass(frozen=True, slots=True)
class SeedExample:
    """One claim from the talks and the verdict symderiv must reach."""

    source: str
    task: str  # "gradient" | "hessian" | "equal" | "divide" | "power"
    f: str  # the function; the dividend for "divide"; the claim "LHS = RHS" for "power"
    let: str = ""
    claim: str | None = None
    expected: str = "holds"  # "holds" | "fails"; for "divide": "unique" | "none" | "many"
    wrt: str | None = None
    note: str = ""
    divisor: str = ""
    domain: str = "RR"
    at: str = ""  # "limit": lim_{x→at(side)} f = claim, with witness
    side: str | None = None
    witness: str | None = None

    def argv(self) -> list[str]:
        """The ``symderiv`` command line that checks this example."""
        if self.task == "equal":
            return ["equal", self.f, self.claim or "", "--let", self.let]
        if self.task == "divide":
            return ["divide", self.f, self.divisor, "--domain", self.domain]
        if self.task == "power":
            return ["exponents", "--claim", self.f]
        if self.task == "limit":
            return ["limit", self.f, "--at", self.at, *(["--side", self.side] if self.side
                                                        else []),
                    "--claim", self.claim or "", *(["--witness", self.witness]
                                                   if self.witness else [])]
        cmd = "grad" if self.task == "gradient" else "hessian"
        out = [cmd, self.f, "--wrt", self.wrt or "", "--let", self.let]
        if self.claim is not None:
            out += ["--claim", self.claim]
        return out


SEED_EXAMPLES: tuple[SeedExample, ...] = (
    SeedExample("talk A1: 6 ÷ 3 = 2, as 3·x = 6 has exactly one solution", "divide", "6",
                divisor="3", expected="unique"),
    SeedExample("talk A1: 0 ÷ 0 is undefined, every x solves 0·x = 0", "divide", "0",
                divisor="0", expected="many"),
    SeedExample("talk A1: 1 ÷ 0 is undefined, no x solves 0·x = 1", "divide", "1",
                divisor="0", expected="none"),
    SeedExample("talk A2: lim_{x→+0} 1/x = ∞, B wins with δ = 1/R", "limit", "1/x", at="0",
                side="+", claim="oo", witness="1/R"),
    SeedExample("talk A2: δ = 2/R is not a winning strategy", "limit", "1/x", at="0",
                side="+", claim="oo", witness="2/R", expected="fails"),
    SeedExample("talk A3: a⁰ = 1 (law (2) with x = y)", "power", "a**2 / a**2 = a**0"),
    SeedExample("talk A3: 1/a = a⁻¹", "power", "1/a = a**(-1)"),
    SeedExample("talk A3: (a^(1/2))² = a, so a^(1/2) = √a", "power", "a**(1/2) = sqrt(a)"),
    SeedExample("talk A3: not a^(1/2) = −√a", "power", "a**(1/2) = -sqrt(a)",
                expected="fails"),
    SeedExample("talk A3: law (3) multiplies the exponents, (a^x)^y ≠ a^(x+y)", "power",
                "(a**x)**y = a**(x+y)", expected="fails"),
    SeedExample("talk A4: ∇(xᵀAx) = 2Ax for symmetric A", "gradient", "x.T @ A @ x",
                "x: n; A: n x n, symmetric", "2 * A @ x", "holds", "x"),
    SeedExample("talk A4: ∇²(xᵀAx) = 2A for symmetric A", "hessian", "x.T @ A @ x",
                "x: n; A: n x n, symmetric", "2 * A", "holds", "x"),
    SeedExample("talk A4: without symmetry ∇(xᵀAx) = (A + Aᵀ)x", "gradient", "x.T @ A @ x",
                "x: n; A: n x n", "(A + A.T) @ x", "holds", "x"),
    SeedExample("talk A4: without symmetry ∇²(xᵀAx) = A + Aᵀ, not 2A", "hessian", "x.T @ A @ x",
                "x: n; A: n x n", "2 * A", "fails", "x",
                "right only for symmetric A"),
    SeedExample("talk A4: ∂f/∂x_k = 2 Σ_i a_ki x_i, i.e. 2Ax, needs symmetry", "gradient",
                "x.T @ A @ x", "x: n; A: n x n", "2 * A @ x", "fails", "x"),
    SeedExample("talk A5: E = ‖y − Xw‖² = (y − Xw)ᵀ(y − Xw)", "equal", "norm(y - X @ w)**2",
                "X: m x n; y: m; w: n", "(y - X @ w).T @ (y - X @ w)", "holds"),
    SeedExample("talk A5: (y − Xw)ᵀ(y − Xw) = yᵀy − yᵀXw − wᵀXᵀy + wᵀXᵀXw", "equal",
                "(y - X @ w).T @ (y - X @ w)", "X: m x n; y: m; w: n",
                "y.T @ y - y.T @ X @ w - w.T @ X.T @ y + w.T @ X.T @ X @ w", "holds"),
    SeedExample("talk A5: ∇(yᵀXw) = Xᵀy", "gradient", "y.T @ X @ w", "X: m x n; y: m; w: n",
                "X.T @ y", "holds", "w"),
    SeedExample("talk A5: ∇(wᵀXᵀy) = Xᵀy", "gradient", "w.T @ X.T @ y", "X: m x n; y: m; w: n",
                "X.T @ y", "holds", "w"),
    SeedExample("talk A5: ∇(wᵀXᵀXw) = 2XᵀXw", "gradient", "w.T @ X.T @ X @ w",
                "X: m x n; w: n", "2 * X.T @ X @ w", "holds", "w"),
    SeedExample("talk A5: ∇E = −2Xᵀy + 2XᵀXw", "gradient", "norm(y - X @ w)**2",
                "X: m x n; y: m; w: n", "-2 * X.T @ y + 2 * X.T @ X @ w", "holds", "w"),
    SeedExample("talk A5: the textbook erratum ∇E = −2Xᵀy + XᵀXw", "gradient",
                "norm(y - X @ w)**2", "X: m x n; y: m; w: n", "-2 * X.T @ y + X.T @ X @ w",
                "fails", "w", "the factor 2 of XᵀXw is missing"),
    SeedExample("talk B: ∂L/∂w0 = Σ −2 (y_i − f_w(x_i))", "gradient",
                "sum((y - (w0 + w1*x))**2)", "x: n; y: n", "sum(-2 * (y - (w0 + w1*x)))",
                "holds", "w0"),
    SeedExample("talk B: ∂L/∂w1 = Σ −2 (y_i − f_w(x_i)) x_i", "gradient",
                "sum((y - (w0 + w1*x))**2)", "x: n; y: n", "sum(-2 * (y - (w0 + w1*x)) * x)",
                "holds", "w1"),
    SeedExample("talk B: with the ½ the factor 2 goes", "gradient",
                "sum((y - (w0 + w1*x))**2) / 2", "x: n; y: n", "sum(-(y - (w0 + w1*x)) * x)",
                "holds", "w1"),
    SeedExample("talk B: forgetting the inner derivative x_i of the chain rule", "gradient",
                "sum((y - (w0 + w1*x))**2)", "x: n; y: n", "sum(-2 * (y - (w0 + w1*x)))",
                "fails", "w1"),
    SeedExample("issue 2: d logdet(S)/dS = S⁻ᵀ (SymPy 1.14 says 0)", "gradient", "logdet(S)",
                "S: n x n, positive definite", "inv(S).T", "holds", "S"),
    SeedExample("issue 2: (AB)ᵀ = BᵀAᵀ", "equal", "(A @ B).T", "A: m x k; B: k x n",
                "B.T @ A.T", "holds"),
)


def check_example(example: SeedExample, *, seed: int = 0) -> Verdict | Division | LimitCheck:
    """Check one example with the library (what ``symderiv demo`` and the tests run)."""
    from .check import check_equal, check_gradient, check_hessian
    from .definitions import check_power_claim, divide
    from .definitions.limits import check_limit

    if example.task == "divide":
        return divide(example.f, example.divisor, domain=example.domain)
    if example.task == "limit":
        return check_limit(example.f, at=example.at, side=example.side, claim=example.claim,
                           witness=example.witness, seed=seed)
    if example.task == "power":
        return check_power_claim(example.f, seed=seed)  # a > 0, other names real
    if example.task == "equal":
        return check_equal(example.f, example.claim or "", let=example.let, seed=seed)
    check = check_gradient if example.task == "gradient" else check_hessian
    return check(example.f, wrt=example.wrt or "", claim=example.claim, let=example.let,
                 seed=seed)
