"""Talk B's regression lecture: loss, chain-rule gradient, closed form, grid, descent."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symderiv.descent import (
    DescentError,
    auto_lr,
    closed_form,
    derive_regression,
    descend,
    grid_search,
)
from symderiv.descent.run import batch_scale
from symderiv.errors import ArgumentError, ParseError, UnsupportedError


def _data(n=200, seed=0, w=(1.0, 2.0), noise=0.3):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 3, n)
    return x, w[0] + w[1] * x + rng.normal(0, noise, n)


# -- talk B: the chain rule splits ∂L/∂w into simple factors ----------------------------------
def test_talk_b_partial_derivatives_by_the_chain_rule():
    r = derive_regression("w0 + w1*x")
    x, y, w0, w1 = (sp.Symbol(n, real=True) for n in ("x", "y", "w0", "w1"))
    # ∂L/∂w0 = Σ −2 (y − f), ∂L/∂w1 = Σ −2 (y − f) x
    assert sp.expand(r.steps[0].partial - (-2 * (y - (w0 + w1 * x)))) == 0
    assert sp.expand(r.steps[1].partial - (-2 * (y - (w0 + w1 * x)) * x)) == 0
    assert [str(s.inner) for s in r.steps] == ["1", "x"]
    assert [v.outcome for v in r.checks] == ["holds", "holds"]  # the core's engines agree


def test_talk_b_the_half_changes_nothing_but_the_scale():
    x, y = _data()
    full, half = derive_regression("w0 + w1*x"), derive_regression("w0 + w1*x", loss="half")
    w = np.array([0.5, -1.0])
    assert np.allclose(full.gradient(w, x, y), 2 * half.gradient(w, x, y))


@pytest.mark.parametrize("model", ["w0 + w1*x", "w0 + w1*x + w2*x**2", "a*exp(b*x)",
                                   "w0 + w1*exp(-x)"])
@pytest.mark.parametrize("loss", ["sse", "half", "mean"])
def test_compiled_gradient_matches_finite_differences(model, loss):
    r = derive_regression(model, loss=loss)
    x, y = _data(50)
    w = np.linspace(0.3, 0.9, len(r.params))
    g = r.gradient(w, x, y)
    h = 1e-6
    for j in range(len(w)):
        e = np.zeros_like(w)
        e[j] = h
        fd = (r.loss_value(w + e, x, y) - r.loss_value(w - e, x, y)) / (2 * h)
        assert abs(g[j] - fd) <= 1e-5 * max(1.0, abs(fd))


@given(st.integers(0, 10**6))
@settings(max_examples=20, deadline=None)
def test_batch_descent_reaches_the_closed_form(seed):
    r = derive_regression("w0 + w1*x")
    x, y = _data(100, seed)
    exact = closed_form(r, x, y)
    d = descend(r, x, y, lr=0.002, epochs=200_000, tol=1e-16)
    assert np.linalg.norm(d.params - exact) <= 1e-6 * np.linalg.norm(exact)


def test_batch_descent_on_a_quadratic_model_reaches_lstsq():
    r = derive_regression("w0 + w1*x + w2*x**2", loss="mean")
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, 300)
    y = 0.5 - x + 2 * x**2 + rng.normal(0, 0.1, 300)
    exact = np.linalg.lstsq(np.column_stack([np.ones_like(x), x, x**2]), y, rcond=None)[0]
    d = descend(r, x, y, lr=0.5, epochs=200_000, tol=1e-16)
    assert np.linalg.norm(d.params - exact) <= 1e-6 * np.linalg.norm(exact)


def test_grid_search_lands_on_the_grid_point_nearest_in_the_losss_own_metric():
    # L(w) = L(w*) + ‖D(w − w*)‖² (D the design matrix): the best grid point is the one
    # nearest to the closed form in that norm — the lecture's 0…3 × 0…3 in 100 steps
    r = derive_regression("w0 + w1*x")
    x, y = _data()
    g = grid_search(r, x, y, [(0, 3, 100), (0, 3, 100)])
    exact, D = closed_form(r, x, y), r.design(x)
    mesh = np.stack(np.meshgrid(*g.axes, indexing="ij"), axis=-1).reshape(-1, 2)
    nearest = mesh[np.argmin(np.linalg.norm((mesh - exact) @ D.T, axis=1))]
    assert np.allclose(g.best, nearest)
    assert g.cost == 100 * 100 * len(x) * 2


def test_minibatch_and_stochastic_descent_get_close_and_sgd_is_noisier():
    r = derive_regression("w0 + w1*x")
    x, y = _data(1000)
    exact = closed_form(r, x, y)
    mini = descend(r, x, y, method="minibatch", batch=100, lr=auto_lr(r, x, "minibatch"),
                   epochs=200, seed=1)
    sgd = descend(r, x, y, method="stochastic", lr=auto_lr(r, x, "stochastic"), epochs=20,
                  seed=1)
    assert np.linalg.norm(mini.params - exact) < 0.05
    assert np.linalg.norm(sgd.params - exact) < 0.2
    # noisier: the loss goes up between epochs more often with one point per step
    def ups(h):
        return int(np.sum(np.diff(h[len(h) // 2:]) > 0))
    assert ups(sgd.history) >= ups(descend(r, x, y, lr=auto_lr(r, x), epochs=20).history)


def test_a_minibatch_gradient_estimates_the_whole_gradient():
    # averaged over many random batches, the scaled batch gradient is the full one
    for loss in ("sse", "mean"):
        r = derive_regression("w0 + w1*x", loss=loss)
        x, y = _data(1000)
        w = np.array([0.3, 0.7])
        rng = np.random.default_rng(0)
        scale = batch_scale(r, len(x), 100)  # what descend multiplies a batch gradient by
        estimates = [r.gradient(w, x[i], y[i]) * scale
                     for i in (rng.choice(len(x), 100, replace=False) for _ in range(2000))]
        full = r.gradient(w, x, y)
        assert np.allclose(np.mean(estimates, axis=0), full, rtol=0.05)


def test_divergence_is_reported_not_printed_as_nan():
    r = derive_regression("w0 + w1*x")
    x, y = _data()
    with pytest.raises(DescentError, match=r"learning rate 1\.0 is too large"):
        descend(r, x, y, lr=1.0, epochs=100)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"model": "w0 + w1*z"}, ParseError),
    ({"model": "3*x"}, ArgumentError),
    ({"model": "w0 + w1*x", "params": ["w0", "w9"]}, ArgumentError),
    ({"model": "w0 + w1*x", "loss": "l1"}, ArgumentError),
    ({"model": "__import__('os')"}, ParseError),
])
def test_bad_models(kwargs, error):
    with pytest.raises(error):
        derive_regression(**kwargs)


def test_no_closed_form_for_a_model_nonlinear_in_its_parameters():
    r = derive_regression("a*exp(b*x)")
    assert not r.linear
    with pytest.raises(UnsupportedError, match="not linear in its parameters"):
        closed_form(r, *_data(10))


# -- data and the command ---------------------------------------------------------------------
from click.testing import CliRunner  # noqa: E402

from symderiv.cli import main  # noqa: E402
from symderiv.descent import builtin_data, load_csv  # noqa: E402


def _run(*args):
    return CliRunner().invoke(main, ["descent", *args])


def test_the_lectures_example_on_built_in_data():
    r = _run("--json")
    assert r.exit_code == 0, r.output
    import json

    data = json.loads(r.output)
    assert set(data) >= {"parameters", "loss", "closed_form", "relative_distance", "gradient"}
    assert data["relative_distance"] < 1e-6
    assert [g["check"] for g in data["gradient"]] == ["holds", "holds"]


def test_grid_and_all_three_methods_in_text():
    r = _run("--grid", "w0=0:3:100, w1=0:3:100", "--method", "all", "--epochs", "100")
    assert r.exit_code == 0, r.output
    assert "cost 4,000,000 (grid points × data × parameters)" in r.output
    for method in ("batch ", "minibatch ", "stochastic "):
        assert method in r.output


def test_csv_data_and_a_quadratic_model(tmp_path):
    x, y = builtin_data(100, seed=4)
    path = tmp_path / "points.csv"
    path.write_text("size,price\n" + "".join(f"{a},{b + a * a}\n" for a, b in zip(x, y,
                                                                              strict=True)))
    r = _run("--data", str(path), "--x", "size", "--y", "price", "--model",
             "w0 + w1*x + w2*x**2", "--loss", "mean", "--epochs", "200000", "--json")
    assert r.exit_code == 0, r.output
    import json

    assert json.loads(r.output)["relative_distance"] < 1e-6


@pytest.mark.parametrize(("content", "args", "words"), [
    ("", [], "is empty"),
    ("a,b\n1,2\n3,4\n", [], "has no column 'x' (its columns: 'a', 'b')"),
    ("x,y\n1,2\n3,oops\n", [], "row 3, column 'y': 'oops' is not a number"),
    ("x,y\n1,2\n", [], "has 1 data row; a fit needs at least 2"),
    ("x,y\n1,2\n3,inf\n", [], "is not a finite number"),
    ("x,y\n1,2\n2,3\n", ["--grid", "w0=0:3"], "write NAME=LOW:HIGH:STEPS"),
    ("x,y\n1,2\n2,3\n", ["--model", "w0 + w1*z"], "does not use the input 'x'"),
    ("x,y\n1,2\n2,3\n", ["--lr", "-1"], "must be a positive number"),
])
def test_bad_data_and_options_exit_2(tmp_path, content, args, words):
    path = tmp_path / "d.csv"
    path.write_text(content)
    r = _run("--data", str(path), *args)
    assert r.exit_code == 2, r.output
    assert words in r.output and "Traceback" not in r.output


def test_missing_file_and_divergence_exit_codes():
    r = _run("--data", "/nonexistent/points.csv")
    assert r.exit_code == 2 and "cannot read" in r.output
    r = _run("--lr", "1")
    assert r.exit_code == 1 and "too large for these data" in r.output


def test_load_csv_reads_named_columns(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("y, x\n2, 1\n\n4, 2\n")
    x, y = load_csv(path)
    assert list(x) == [1.0, 2.0] and list(y) == [2.0, 4.0]


def test_latex_derivation_compiles(tmp_path):
    out = tmp_path / "steps.tex"
    r = _run("--latex", str(out))
    assert r.exit_code == 0 and r"\frac{\partial L}{\partial w_{0}}" in out.read_text()
    import shutil

    if shutil.which("pdflatex"):
        import subprocess

        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                               out.name], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120, check=False)
        assert proc.returncode == 0, proc.stdout[-1500:]


def test_figures_are_non_empty_pngs_of_the_expected_size(tmp_path):
    import struct

    pytest.importorskip("matplotlib")
    r = _run("--method", "all", "--epochs", "20", "--plot", str(tmp_path / "figs"))
    assert r.exit_code == 0, r.output
    for name in ("data.png", "parameters.png", "loss.png"):
        raw = (tmp_path / "figs" / name).read_bytes()
        assert raw[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", raw[16:24])  # the IHDR chunk
        assert (width, height) == (640, 480)
        assert len(raw) > 10_000  # a drawing, not a blank canvas


# -- found by an adversarial review -----------------------------------------------------------
def test_the_closed_form_counts_terms_without_a_parameter():
    r = derive_regression("w0 + x*x")
    x, y = _data()
    exact = closed_form(r, x, y)
    assert np.isclose(exact[0], np.mean(y - x * x))
    d = descend(r, x, y, lr=auto_lr(r, x), epochs=10_000, tol=1e-16)
    assert np.linalg.norm(d.params - exact) <= 1e-6 * np.linalg.norm(exact)


@pytest.mark.parametrize(("args", "words"), [
    (["--grid", "w0=0:1e308:3, w1=-1e308:1e308:3", "--json"], "too wide for floating point"),
    (["--grid", "w0=0:1e300:3, w1=1e300:1e301:3", "--json"], "overflows at every grid point"),
    (["--tol", "-1"], "must be a number ≥ 0"),
    (["--model", "log(w0*x)"], "could not confirm"),
    (["--model", "w0 + w1*x + w2*x**2", "--grid", "w0=0:1:2000, w1=0:1:2000, w2=0:1:2000"],
     "at most 10,000,000"),
    (["--plot", "/proc/nope/figs"], "cannot write"),
    (["--method", "stochastic", "--n", "3000000", "--epochs", "1"], "at most 500,000"),
    (["--model", "w0 + y*x"], "'y' is the output"),
])
def test_hostile_options_get_a_clear_error(args, words):
    r = _run(*args)
    assert r.exit_code == 2, r.output
    assert words in r.output and "Traceback" not in r.output


def test_a_model_undefined_at_the_data_is_refused(tmp_path):
    path = tmp_path / "neg.csv"
    path.write_text("x,y\n-1,2\n-2,3\n-3,5\n")
    r = _run("--data", str(path), "--model", "w0*log(x)")
    assert r.exit_code == 2 and "not finite at the start" in r.output


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffx,y\n1,2\n2,4\n".encode())
    x, _ = load_csv(path)
    assert list(x) == [1.0, 2.0]
