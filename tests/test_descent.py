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
from symderiv.descent.derive import ChainStep
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


def test_with_the_half_the_printed_partials_lose_the_2():
    # docs/descent.md: "--loss half puts the ½ in front (the 2 goes)"; the text printed
    # Σ −2 (y − f) with [holds] beside it, the derivative of the loss without the ½
    r = derive_regression("w0 + w1*x", loss="half")
    x, y, w0, w1 = (sp.Symbol(n, real=True) for n in ("x", "y", "w0", "w1"))
    assert sp.expand(r.steps[0].partial - (-(y - (w0 + w1 * x)))) == 0
    assert sp.expand(r.steps[1].partial - (-(y - (w0 + w1 * x)) * x)) == 0
    assert [v.outcome for v in r.checks] == ["holds", "holds"]
    out = CliRunner().invoke(main, ["descent", "--loss", "half", "--steps"]).output
    assert "∂L/∂w0 = Σ -(y - w0 - w1·x)   [holds]" in out and "ℓ = ½ (y − f)²" in out
    mean = CliRunner().invoke(main, ["descent", "--loss", "mean"]).output
    assert "∂L/∂w0 = (1/n) Σ -2·(y - w0 - w1·x)   [holds]" in mean


def test_the_check_of_a_partial_sees_the_loss_factor():
    from symderiv.descent.derive import _check

    x, y, w0, w1 = (sp.Symbol(n, real=True) for n in ("x", "y", "w0", "w1"))
    f = w0 + w1 * x
    wrong = ChainStep("w0", sp.Integer(0), sp.Integer(1), -2 * (y - f))
    assert _check(f, sp.Rational(1, 2), wrong, "x", "y", 0).outcome == "fails"
    assert _check(f, sp.Integer(1), wrong, "x", "y", 0).outcome == "holds"


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


def test_an_empty_data_path_is_refused_and_minus_reads_stdin():
    # review of descent: `--data ""` fitted the built-in data, ignoring --x and --y
    r = _run("--data", "", "--x", "size", "--y", "price")
    assert r.exit_code == 2 and r.stderr == "Error: cannot read --data '': the path is empty\n"
    r = CliRunner().invoke(main, ["descent", "--data", "-", "--x", "size", "--y", "price",
                                  "--json"], input="size,price\n1,3\n2,5\n3,7\n")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["data"] == {"source": "standard input", "n": 3}
    assert out["closed_form"] == pytest.approx({"w0": 1.0, "w1": 2.0})
    r = CliRunner().invoke(main, ["descent", "--data", "-"], input="x,y\n1,2\n2,oops\n")
    assert r.exit_code == 2 and "standard input row 3, column 'y'" in r.stderr


def test_the_json_says_the_loss_kind_beside_the_final_loss():
    # review of descent: the top-level "loss" is the final value, the kind was nowhere
    out = json.loads(_run("--loss", "half", "--json").stdout)
    assert out["loss_kind"] == "half" and isinstance(out["loss"], float)
    out = json.loads(_run("--loss", "mean", "--method", "all", "--epochs", "20", "--json").stdout)
    assert out["loss_kind"] == "mean" and "runs" in out


def test_a_loss_beyond_float64_is_null_in_valid_json(tmp_path):
    # found by a review: a single run's fields are copied to the top level before the loss
    # was made null, so the output said "loss": Infinity, which no JSON reader accepts
    rng = np.random.default_rng(0)
    rows = [f"{1e200 * (1 + i / 10)},{1e200 * (2 + i / 5 + rng.normal())}" for i in range(10)]
    (tmp_path / "big.csv").write_text("x,y\n" + "\n".join(rows) + "\n")
    r = _run("--data", str(tmp_path / "big.csv"), "--standardize", "--json")
    assert r.exit_code == 0 and "Infinity" not in r.stdout
    out = json.loads(r.stdout)
    assert out["loss"] is None and "beyond float64" in out["notes"][0]


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


def test_load_csv_reads_a_stream_and_refuses_an_empty_path():
    # review of descent: `--data ""` fitted the built-in data; `--data -` reads stdin
    import io

    x, y = load_csv(io.StringIO("\ufeffsize,price\n1,2\n3,4\n"), x="size", y="price")
    assert list(x) == [1.0, 3.0] and list(y) == [2.0, 4.0]
    with pytest.raises(ArgumentError, match=r"^standard input row 3, column 'y': 'z' is not"):
        load_csv(io.StringIO("x,y\n1,2\n3,z\n"))
    with pytest.raises(ArgumentError, match=r"^the path is empty$"):
        load_csv("")


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
    (["--method", "stochastic", "--n", "3000000", "--epochs", "1"], "at most 250,000"),
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


# -- a bounded run, and data whose scale defeats float64 ---------------------------------------
import json  # noqa: E402
from fractions import Fraction  # noqa: E402

from symderiv.descent import scale as scaling  # noqa: E402
from symderiv.descent.run import MAX_STEPS, MAX_WORK, check_budget, descent_work  # noqa: E402


def _csv(path, x, y, names=("x", "y")):
    # repr round-trips every float64 exactly, so a reference can read the same numbers
    path.write_text(f"{names[0]},{names[1]}\n" + "".join(f"{float(a)!r},{float(b)!r}\n"
                                                          for a, b in zip(x, y, strict=True)))
    return str(path)


def _exact_line(x, y):
    """The least-squares line in exact rational arithmetic (the floats as read)."""
    xs, ys = [Fraction(float(v)) for v in x], [Fraction(float(v)) for v in y]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((a - mx) ** 2 for a in xs)
    slope = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True)) / sxx
    return my - slope * mx, slope


def _agrees(x, y, w, exact, rtol=1e-6):
    """The fitted line's values at the data agree with the exact line's, relative to the
    data's own size, up to the rounding of the weights themselves (the intercept alone may
    be lost in rounding beside large x·w1); and the slope agrees on its own scale σ_y/σ_x,
    where the values at data with a large offset would hide its error behind that rounding
    (1e13 + 0.25·i: a slope of 2.00004 for 2 moved the values by 4e-4, the intercept's
    rounding by 4e-3)."""
    a, b = (Fraction(float(v)) for v in w)
    xs, ys = [Fraction(float(v)) for v in x], [Fraction(float(v)) for v in y]
    fits = [a + b * v for v in xs]
    best = [exact[0] + exact[1] * v for v in xs]
    size = max(max(abs(v) for v in ys), max(abs(v) for v in best))
    rounding = Fraction(4 * np.finfo(float).eps) * max(abs(a) + abs(b * v) for v in xs)
    if max(abs(f - g) for f, g in zip(fits, best, strict=True)) > Fraction(rtol) * size + \
            rounding:
        return False
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx, syy = sum((v - mx) ** 2 for v in xs), sum((v - my) ** 2 for v in ys)
    # (b − b*)·σ_x ≤ rtol·σ_y, with room for the rounding of residuals y − f at y's size
    floor = len(ys) * (Fraction(4 * np.finfo(float).eps) * size) ** 2
    return (b - exact[1]) ** 2 * sxx <= Fraction(rtol) ** 2 * syy + floor


def test_the_documented_maximum_is_refused_before_the_work_saying_what_fits():
    # issue 14: `descent --n 10000000 --loss half` ran past 20 s (46 s on 2 cores); a review
    # timed the largest runs allowed then (10¹⁰ operations, 300,000 steps) at 23 and 27 s on
    # a loaded 2-core machine, ~11 s of one core each: the bounds are now 60 % and 83 % of that
    with pytest.raises(ArgumentError, match=r"at most 60 epochs fit at this size \(--epochs "
                                            r"60\)"):
        check_budget(10**7, derive_regression("w0 + w1*x").cost, epochs=1000)
    r = _run("--n", "10000000", "--loss", "half")
    assert r.exit_code == 2 and "at most 60 epochs fit" in r.output, r.output
    assert descent_work(10**7, 5, epochs=60) == (60, MAX_WORK)  # the largest run allowed
    # the defaults on the built-in data stay within the bounds, stochastic descent included
    check_budget(200, 5, methods=("batch", "minibatch", "stochastic"), epochs=1000)


@pytest.mark.parametrize(("n", "kwargs", "says", "not_said"), [
    # review of descent: each suggestion must change the bounded count.  Batch descent
    # takes one step per epoch whatever the data and the batch
    (200, {"epochs": 10**7}, "at most 250,000 epochs fit at this size (--epochs 250000)$",
     ["points", "batch", "--method"]),
    # "not one epoch fits at this size, or fewer points …" read as one garbled clause
    (10**7, {"methods": ("batch", "minibatch", "stochastic"), "epochs": 1000},
     "not even one epoch fits at this size: use fewer data points, or a single method "
     "(--method batch or minibatch", ["--batch", "; or"]),
    (3 * 10**6, {"methods": ("stochastic",), "epochs": 1},
     "not even one epoch fits at this size: use fewer data points, or --method minibatch "
     "--batch N", []),
    (10**7, {"methods": ("minibatch",), "epochs": 5},
     "at most 2 epochs fit at this size (--epochs 2); or fewer data points, or a larger "
     "--batch$", []),
    (10**7, {"epochs": 1000}, "at most 60 epochs fit at this size (--epochs 60); or fewer "
     "data points, or --method minibatch", ["--batch"]),
    (2 * 10**5, {"methods": ("batch", "minibatch", "stochastic"), "epochs": 2},
     "at most 1 epoch fits at this size (--epochs 1)", ["--batch"]),
])
def test_budget_errors_suggest_only_what_brings_the_run_within_the_bound(n, kwargs, says,
                                                                         not_said):
    import re

    with pytest.raises(ArgumentError) as info:
        check_budget(n, 5, **kwargs)
    message = str(info.value)
    assert re.search(re.escape(says.rstrip("$")) + ("$" if says.endswith("$") else ""),
                     message), message
    for words in not_said:
        assert words not in message.split(": ", 1)[1].split("in one run")[-1], message


def test_far_from_names_remedies_that_apply_and_says_singular_when_it_is():
    from symderiv.descent.run import far_from

    reg, (x, _) = derive_regression("w0 + w1*x"), _data()
    # stochastic descent ignores --batch: the review found "a larger --batch" offered
    sgd = far_from(reg, x, "stochastic", 0.5)
    assert "--batch" not in sgd.replace("--method minibatch", "") and "--method minibatch" in sgd
    assert "a larger --batch" in far_from(reg, x, "minibatch", 0.5)
    # "condition number is inf … each step goes about 1/κ of the way"
    singular = far_from(reg, np.full(50, 3.0), "batch", 1.0)
    assert "singular or ill-posed along some direction" in singular and "inf" not in singular
    assert "1/κ" in far_from(reg, x * 1000, "batch", 1.0)  # house sizes: κ ≈ 1e7


def test_the_three_methods_share_one_budget():
    steps, work = descent_work(1000, 5, methods=("batch", "minibatch", "stochastic"), epochs=10,
                               batch=100)
    assert steps == 10 + 100 + 10_000 and work == 10 * 1000 * 5 * (1 + 2 + 2)
    with pytest.raises(ArgumentError, match="gradient steps"):
        check_budget(MAX_STEPS, 5, methods=("stochastic",), epochs=2)


def test_a_long_run_shows_a_progress_bar_on_a_terminal_only(monkeypatch):
    args = ("--method", "stochastic", "--n", "20000", "--epochs", "1")
    r = _run(*args)
    assert r.exit_code == 0 and "stochastic descent" not in r.stderr
    monkeypatch.setattr("symderiv.cli.descent._stderr_is_terminal", lambda: True)
    r = _run(*args)
    assert r.exit_code == 0, r.output
    assert "stochastic descent" in r.stderr and "/20000 [" in r.stderr  # tqdm's bar
    assert "/20000 [" not in r.stdout


def test_progress_is_reported_in_steps_with_the_latest_loss():
    reg, (x, y) = derive_regression("w0 + w1*x"), _data(2000)
    seen = []
    descend(reg, x, y, method="stochastic", lr=auto_lr(reg, x, "stochastic"), epochs=2,
            progress=lambda steps, value: seen.append((steps, value)))
    assert 600 <= len(seen) <= 1200 and seen[-1][0] == 4000  # every ⌊4000 / 600⌋ steps
    assert [s for s, _ in seen] == sorted(s for s, _ in seen)


def test_the_loss_along_a_long_run_is_estimated_on_a_sample():
    reg = derive_regression("w0 + w1*x")
    x, y = _data(50_000)
    d = descend(reg, x, y, method="minibatch", lr=auto_lr(reg, x, "minibatch"), epochs=1)
    assert len(d.trace) <= 602
    exact = reg.loss_value(d.params, x, y)
    assert abs(d.trace[-1, 2] - exact) < 0.05 * exact  # an estimate of the same loss


def test_data_scaled_by_1e_300_are_refused_naming_the_column(tmp_path):
    # issue 14: exit 0 with w1 = 0 and "loss 0" — lstsq dropped the column, descent "agreed"
    x, y = _data(50)
    path = _csv(tmp_path / "tiny.csv", x * 1e-300, y * 1e-300, ("size", "price"))
    r = _run("--data", path, "--x", "size", "--y", "price")
    assert r.exit_code == 2, r.output
    assert "column 'size'" in r.output and "underflow float64" in r.output
    assert "--standardize" in r.output and len(r.output.strip().splitlines()) == 1
    reg = derive_regression("w0 + w1*x")
    with pytest.raises(ArgumentError, match="column 'x' of the data: its values are at most"):
        scaling.check_scale(reg, x * 1e-300, y)


def test_standardize_fits_data_scaled_by_1e_300_on_their_own_scale(tmp_path):
    x, y = _data(50)
    x, y = x * 1e-300, y * 1e-300
    r = _run("--data", _csv(tmp_path / "tiny.csv", x, y), "--standardize", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    w = [out["parameters"]["w0"], out["parameters"]["w1"]]
    exact = _exact_line(x, y)
    assert abs(Fraction(w[1]) - exact[1]) < Fraction(1e-9) * abs(exact[1])  # ≈ 2, not 0
    assert _agrees(x, y, w, exact)
    assert out["warnings"] == [] and "beyond float64" in out["notes"][0]  # the loss ~1e-599


def test_the_closed_form_keeps_a_column_1e_300_times_smaller():
    x, y = _data(50)
    x = x * 1e-300  # y at its own scale: the slope is ~2e300
    w = closed_form(derive_regression("w0 + w1*x"), x, y)
    exact = _exact_line(x, y)
    assert abs(Fraction(w[1]) - exact[1]) < Fraction(1e-9) * abs(exact[1])


@pytest.mark.parametrize("factor", [1e200, 1e-200])
def test_squares_beyond_float64_are_refused_or_standardized(tmp_path, factor):
    x, y = _data(30)
    path = _csv(tmp_path / "d.csv", x * factor, y * factor)
    r = _run("--data", path)
    assert r.exit_code == 2 and ("overflows" in r.output or "underflow" in r.output), r.output
    r = _run("--data", path, "--standardize", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert _agrees(x * factor, y * factor, list(out["parameters"].values()),
                   _exact_line(x * factor, y * factor))


_OFFSETS = [(1e13, 0.25, 2.0), (1e14, 0.25, 2.0), (1e15, 0.25, 2.0), (1e16, 2.0, 0.25),
            (-1e15, 0.25, 2.0)]


@pytest.mark.parametrize(("offset", "step", "slope"), _OFFSETS)
def test_standardization_keeps_the_digits_of_data_at_a_large_offset(offset, step, slope):
    # review of descent: x = 1e13 + 0.25·i, y = 3 + 0.5·i (exact in float64) gave
    # w1 = 2.00004 with --standardize and in the closed form (1e16 + 2·i: 0.250854), both
    # agreeing: each column was divided by its largest entry before centring
    i = np.arange(20.0)
    x, y = offset + step * i, 3.0 + 0.5 * i
    exact = _exact_line(x, y)
    assert exact[1] == Fraction(slope)
    reg = derive_regression("w0 + w1*x")
    w = closed_form(reg, x, y)
    assert abs(Fraction(w[1]) - exact[1]) <= Fraction(1e-12) * abs(exact[1])
    assert abs(Fraction(w[0]) - exact[0]) <= Fraction(1e-12) * abs(exact[0])
    s = scaling.standardize(reg, x, y)
    run = descend(s.problem, s.design, s.target, lr=auto_lr(s.problem, s.design), epochs=1000)
    assert abs(Fraction(s.original(run.params)[1]) - exact[1]) <= Fraction(1e-9) * abs(exact[1])


def test_the_command_fits_data_at_a_large_offset_and_warns_about_their_resolution(tmp_path):
    # review of descent: `--data off.csv --x t --y y --standardize` gave w1 = 2.00004, exit 0
    i = np.arange(20.0)
    path = _csv(tmp_path / "off.csv", 1e13 + 0.25 * i, 3 + 0.5 * i, ("t", "y"))
    for extra in (["--standardize"], []):
        r = _run("--data", path, "--x", "t", "--y", "y", "--json", *extra)
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        assert out["closed_form"]["w1"] == pytest.approx(2.0, rel=1e-12)
        assert out["warnings"][0].startswith("column 't' varies by only 1.44")
    assert out["parameters"]["w1"] != pytest.approx(2.0, rel=1e-3)  # raw descent: warned
    assert "--standardize" in out["warnings"][1]
    r = _run("--data", path, "--x", "t", "--y", "y", "--standardize")
    assert "w1 = 2   (least squares" in r.output and "⚠ warning column 't' varies" in r.output


def test_a_column_float64_barely_resolves_is_warned_about():
    i = np.arange(20.0)
    reg = derive_regression("w0 + w1*x")
    (warning,) = scaling.check_resolution(reg, 1e13 + 0.25 * i, 3 + 0.5 * i,
                                          names=("t", "y"))
    assert warning.startswith("column 't' varies by only 1.44 (standard deviation) around "
                              "1e+13: float64 holds its values to 0.002 there, so about 3 "
                              "significant digits of its variation are kept")
    assert "subtract the offset" in warning
    (warning,) = scaling.check_resolution(reg, i, 1e16 + 2 * i)
    assert warning.startswith("column 'y' varies") and "about 1 significant digit of its " \
        "variation is kept" in warning
    # the same variation without the offset, the built-in data, a model without an
    # intercept (each value counts whole) and a constant column (the rank test's) are fine
    assert scaling.check_resolution(reg, 0.25 * i, 3 + 0.5 * i) == ()
    assert scaling.check_resolution(reg, *_data()) == ()
    assert scaling.check_resolution(derive_regression("w1*x"), 1e16 + 2 * i, i) == ()
    assert scaling.check_resolution(reg, np.full(20, 1e16), i) == ()


def test_a_constant_input_does_not_determine_the_line(tmp_path):
    path = _csv(tmp_path / "c.csv", [3.0] * 5, [1.0, 2.0, 3.0, 4.0, 5.0])
    for extra in ([], ["--standardize"]):
        r = _run("--data", path, *extra)
        assert r.exit_code == 2, r.output
        assert "do not determine w0, w1" in r.output and "single value 3" in r.output
        # review of descent: without --standardize the column was called 'x' regardless
        named = _csv(tmp_path / "n.csv", [1000.0] * 5, [1.0, 2.0, 3.0, 4.0, 5.0],
                     ("size", "price"))
        r = _run("--data", named, "--x", "size", "--y", "price", *extra)
        assert r.exit_code == 2 and "('size' takes the single value 1000)" in r.output
    # review of descent: without --standardize the column was called 'x' whatever its name
    with pytest.raises(ArgumentError, match="'size' takes the single value 1000"):
        closed_form(derive_regression("w0 + w1*x"), np.full(5, 1000.0), np.arange(5.0),
                    names=("size", "price"))
    # without an intercept one constant column is fine: w1 = mean(y)/3
    assert np.isclose(closed_form(derive_regression("w1*x"), np.full(5, 3.0),
                                  np.arange(1.0, 6.0))[0], 1.0)


def _houses(tmp_path):
    rng = np.random.default_rng(1)
    size = rng.uniform(800, 3500, 300).round()
    price = (50_000 + 180 * size + rng.normal(0, 30_000, 300)).round()
    return size, price, _csv(tmp_path / "houses.csv", size, price, ("size", "price"))


def test_unscaled_real_data_warn_naming_standardize(tmp_path):
    # issue 14: house sizes against prices stopped far from the closed form, silently
    *_, path = _houses(tmp_path)
    r = _run("--data", path, "--x", "size", "--y", "price", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["relative_distance"] > 0.5
    (warning,) = out["warnings"]
    assert "ill-conditioned" in warning and "--standardize" in warning
    r = _run("--data", path, "--x", "size", "--y", "price")
    assert "⚠ warning batch descent stopped at relative distance" in r.output


def test_standardize_reaches_the_closed_form_on_the_original_scale(tmp_path):
    size, price, path = _houses(tmp_path)
    r = _run("--data", path, "--x", "size", "--y", "price", "--standardize", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["warnings"] == [] and out["relative_distance"] < 1e-9
    assert _agrees(size, price, [out["parameters"]["w0"], out["parameters"]["w1"]],
                   _exact_line(size, price), rtol=1e-9)
    reg = derive_regression("w0 + w1*x")
    assert np.isclose(out["loss"], reg.loss_value(np.array(list(out["parameters"].values())),
                                                  size, price))


@pytest.mark.parametrize(("model", "truth"), [("w0 + w1*x + w2*x**2", [0.5, -1.0, 2.0]),
                                               ("w1*x + w2*x**2", [0.0, -1.0, 2.0]),
                                               ("w0 + x*x + w1*exp(x)", [0.5, 1.0, 0.0])])
def test_standardized_weights_map_back_exactly(model, truth):
    # for a model linear in its parameters the minimiser of the standardized problem is the
    # image of the original one's: lstsq there, mapped back, is the closed form here
    rng = np.random.default_rng(5)
    x = rng.uniform(1, 4, 200)
    y = truth[0] + truth[1] * x + truth[2] * x**2 + rng.normal(0, 0.1, 200)
    reg = derive_regression(model)
    s = scaling.standardize(reg, x, y)
    w = s.original(np.linalg.lstsq(s.design, s.target, rcond=None)[0])
    d = reg.design(x)
    raw = np.linalg.lstsq(d, y - reg.predict(np.zeros(len(reg.params)), x), rcond=None)[0]
    assert np.allclose(w, raw, rtol=1e-8, atol=1e-10)
    run = descend(s.problem, s.design, s.target, lr=auto_lr(s.problem, s.design), epochs=50_000,
                  tol=0)
    assert np.allclose(s.original(run.params), raw, rtol=1e-6)


def test_standardize_refuses_a_model_nonlinear_in_its_parameters():
    r = _run("--model", "a*exp(b*x)", "--standardize")
    assert r.exit_code == 2 and "not linear in its parameters" in r.output
    with pytest.raises(UnsupportedError, match="do not carry back exactly"):
        scaling.standardize(derive_regression("a*exp(b*x)"), *_data(10))


def test_the_parameter_plot_centres_on_the_paths_and_names_the_columns(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    import matplotlib.axes

    labels = []
    real = matplotlib.axes.Axes.set

    def record(self, **kwargs):
        labels.append((kwargs.get("xlabel"), kwargs.get("ylabel")))
        return real(self, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "set", record)
    _, _, path = _houses(tmp_path)
    r = _run("--data", path, "--x", "size", "--y", "price", "--plot", str(tmp_path / "f"))
    assert r.exit_code == 0, r.output
    assert ("size", "price") in labels  # the data space, in the CSV's names
    from symderiv.descent.plots import _box

    reg, (x, y) = derive_regression("w0 + w1*x"), _data()
    run = descend(reg, x * 1000, y * 1e5, lr=auto_lr(reg, x * 1000), epochs=50)
    a, b = _box([run])
    # the closed form (~1e5, ~200) is far away; the picture is the path's, with a margin
    assert a[0] < run.path[:, 0].min() and run.path[:, 0].max() < a[-1]
    assert b[0] < run.path[:, 1].min() and run.path[:, 1].max() < b[-1]
    assert b[-1] - b[0] < 2 * np.ptp(run.path[:, 1])


# -- Hypothesis: scaled data never get a silently wrong fit ------------------------------------
_DERIVED: dict = {}


def _derive_once(model, **kwargs):
    key = (model, tuple(sorted(kwargs.items())))
    if key not in _DERIVED:  # the core's check of the chain rule: once, not per example
        _DERIVED[key] = derive_regression(model, **kwargs)
    return _DERIVED[key]


@given(base=st.lists(st.floats(-5, 5, allow_nan=False).map(lambda v: round(v, 3)),
                     min_size=3, max_size=12),
       slope=st.floats(-3, 3, allow_nan=False), noise=st.integers(0, 2**32 - 1),
       sx=st.integers(-300, 300), sy=st.integers(-300, 300), constant=st.booleans(),
       standardize=st.booleans(),
       # review of descent: an offset of 1e13 cost --standardize and the closed form digits
       ox=st.sampled_from([0.0, 1e8, -1e13, 1e15, 1e16]), oy=st.sampled_from([0.0, 1e14]))
@settings(max_examples=80, deadline=None)
def test_scaled_data_are_fitted_right_or_refused(base, slope, noise, sx, sy, constant,
                                                 standardize, ox, oy):
    """Scales 1e-300…1e300 on x and y, large offsets, constant columns, huge and tiny
    values: never an internal error; at exit 0 the closed form is the exact least-squares
    line, and so is descent's line when nothing is warned about."""
    import tempfile
    from pathlib import Path

    with np.errstate(over="ignore"):  # an overflowing column is skipped just below
        x = (np.array([base[0]] * len(base) if constant else base) + ox) * 10.0**sx
        y = (1.0 + slope * np.array(base) + np.random.default_rng(noise).normal(0, 0.1,
                                                                                len(base))
             + oy) * 10.0**sy
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        return
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr("symderiv.descent.derive_regression", _derive_once)
        path = _csv(Path(tmp) / "d.csv", x, y)
        r = _run("--data", path, "--json", *(["--standardize"] if standardize else []))
    assert r.exit_code in (0, 1, 2), r.output
    if r.exit_code == 2:
        assert r.stderr.startswith("Error: ") and "Traceback" not in r.output
        return
    out = json.loads(r.stdout)
    if r.exit_code == 0:
        exact = _exact_line(x, y)
        assert _agrees(x, y, [out["closed_form"]["w0"], out["closed_form"]["w1"]], exact), out
        if not out["warnings"]:
            assert _agrees(x, y, [out["parameters"]["w0"], out["parameters"]["w1"]], exact), out
