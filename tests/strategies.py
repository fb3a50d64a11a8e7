"""Hypothesis strategies shared by the property tests."""

from hypothesis import strategies as st

# declarations the strategies' expressions are written against
LET = "x: n; a: n; b: n; A: n x n; B: n x n; S: n x n, symmetric; c: scalar"

VECTORS = ["x", "a", "A @ x", "B @ x", "A.T @ x", "A @ a", "x * a", "S @ x", "b"]
MATRICES = ["A", "B", "A.T", "A @ B", "S", "outer(a, b)", "diag(a)", "A * B", "A * S.T",
            "diag(diag(A))"]


@st.composite
def polynomial_function(draw) -> str:
    """A random scalar polynomial in x: a sum of 1–3 terms with small integer coefficients."""
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        u, v = draw(st.sampled_from(VECTORS)), draw(st.sampled_from(VECTORS))
        m = draw(st.sampled_from(MATRICES))
        shape = draw(st.sampled_from(["quad", "dot", "norm", "prod", "cube", "trace"]))
        body = {"quad": f"({u}) @ ({m}) @ ({v})", "dot": f"({u}) @ ({v})",
                "norm": f"norm({u} - {v})**2", "prod": f"(({u}) @ ({v})) * (a @ x)",
                "cube": f"(({u}) @ ({v}))**2 * (b @ x)", "trace": f"trace(({m}) @ outer({u}, {v}))"
                }[shape]
        coeff = draw(st.integers(-3, 3).filter(bool))
        terms.append(f"{coeff} * {body}")
    return " + ".join(terms)




# functions of a matrix variable X (n x n), against the same declarations plus X
MATRIX_LET = LET + "; X: n x n"
X_TERMS = ["trace(A @ X @ B)", "a @ X @ b", "norm(X @ a - b)**2", "trace(X.T @ X)",
           "(a @ X @ b)**2", "trace(X @ X)", "a @ (X * B) @ b", "trace(S @ X.T @ A @ X)"]


@st.composite
def matrix_function(draw) -> str:
    """A random scalar polynomial in the matrix X: 1–2 terms with small coefficients."""
    terms = draw(st.lists(st.sampled_from(X_TERMS), min_size=1, max_size=2, unique=True))
    return " + ".join(f"{draw(st.integers(-3, 3).filter(bool))} * {t}" for t in terms)
