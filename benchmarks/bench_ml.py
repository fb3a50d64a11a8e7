"""ML-loss benchmark: the gradients of logistic regression, a one-hidden-layer network and
softmax cross-entropy checked cold from the command line.

Run from the repository root::

    python benchmarks/bench_ml.py            # median of 5 runs per check
    python benchmarks/bench_ml.py --quick    # median of 3
    python benchmarks/bench_ml.py --strict   # exit 1 when a target is missed

Each check is a fresh ``python -m symderiv grad|hessian ...`` process, as a student runs
it, and each time is reported as a ratio to a baseline measured in the same run: the wall
time of a cold ``python -c "import sympy"``.  The runs are interleaved (baseline, every
check, baseline, ...) so that drift in the machine's load hits all of them.  The target
(< 5 s per check) is reported, not asserted; ``--strict`` turns a miss, or an exit code
other than the verdict's, into a non-zero exit status.  See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 5.0
BASELINE_ARGV = ("-c", "import sympy")

LOGISTIC = "-sum(y * log(sigmoid(X @ w)) + (1 - y) * log(1 - sigmoid(X @ w)))"
LOGISTIC_LET = "X: m x n; y: m; w: n"
MLP = "sum((V @ tanh(W @ x) - y)**2)"
MLP_LET = "V: k x h; W: h x n; x: n; y: k"
MLP_GRAD_W = "2 * outer((V.T @ (V @ tanh(W @ x) - y)) * (1 - tanh(W @ x)**2), x)"


@dataclass(frozen=True, slots=True)
class Check:
    """One command line and the exit code its verdict must give (0 holds, 1 fails)."""

    name: str
    argv: tuple[str, ...]
    expected_rc: int


def _cli(command: str, f: str, wrt: str, let: str, claim: str) -> tuple[str, ...]:
    return ("-m", "symderiv", command, f, "--wrt", wrt, "--let", let, "--claim", claim)


CHECKS = (
    Check("logistic regression: gradient", _cli(
        "grad", LOGISTIC, "w", LOGISTIC_LET, "X.T @ (sigmoid(X @ w) - y)"), 0),
    Check("logistic regression: gradient, wrong sign", _cli(
        "grad", LOGISTIC, "w", LOGISTIC_LET, "X.T @ (y - sigmoid(X @ w))"), 1),
    Check("logistic regression: Hessian", _cli(
        "hessian", LOGISTIC, "w", LOGISTIC_LET,
        "X.T @ diag(sigmoid(X @ w) * (1 - sigmoid(X @ w))) @ X"), 0),
    Check("logistic regression: Hessian, logits form", _cli(
        "hessian", "sum(log(1 + exp(X @ w)) - y * (X @ w))", "w", LOGISTIC_LET,
        "X.T @ diag(sigmoid(X @ w) * (1 - sigmoid(X @ w))) @ X"), 0),
    Check("MLP (tanh): gradient w.r.t. V", _cli(
        "grad", MLP, "V", MLP_LET, "2 * outer(V @ tanh(W @ x) - y, tanh(W @ x))"), 0),
    Check("MLP (tanh): gradient w.r.t. W", _cli("grad", MLP, "W", MLP_LET, MLP_GRAD_W), 0),
    Check("MLP (tanh): gradient w.r.t. W, tanh' missing", _cli(
        "grad", MLP, "W", MLP_LET, "2 * outer(V.T @ (V @ tanh(W @ x) - y), x)"), 1),
    Check("softmax cross-entropy: gradient w.r.t. W", _cli(
        "grad", "-y.T @ log_softmax(W @ x)", "W", "W: k x n; x: n; y: k",
        "outer(sum(y) * softmax(W @ x) - y, x)"), 0),
)


@dataclass
class Row:
    """One line of the result table."""

    name: str
    limit: float | None  # target in seconds; None for the baseline
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system time of the process
    problems: list[str] = field(default_factory=list)  # wrong exit codes, with stderr

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def passed(self) -> bool:
        return not self.problems and (self.limit is None or self.median < self.limit)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(argv: Sequence[str]) -> tuple[float, float, int, str]:
    """Wall time, CPU time, exit code and the tail of stderr of a fresh
    ``sys.executable *argv`` (the CPU time does not grow with the machine's load)."""
    c0, t0 = _cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, *argv], cwd=REPO_ROOT, capture_output=True,
                          text=True, check=False)
    return (time.perf_counter() - t0, _cpu() - c0, proc.returncode,
            proc.stderr.strip()[-200:])


def measure(reps: int) -> tuple[Row, list[Row]]:
    """The baseline and every check, ``reps`` times each, interleaved."""
    # one untimed run of each kind of process writes the .pyc files and warms the file
    # cache; every timed run is still a new interpreter
    _run(BASELINE_ARGV)
    _run(CHECKS[0].argv)
    base = Row('baseline: python -c "import sympy"', None)
    rows = [Row(c.name, TARGET_S) for c in CHECKS]
    for _ in range(reps):
        t, cpu, rc, err = _run(BASELINE_ARGV)
        base.times.append(t)
        base.cpu.append(cpu)
        if rc != 0:
            base.problems.append(f"exit code {rc}: {err}")
        for check, row in zip(CHECKS, rows, strict=True):
            t, cpu, rc, err = _run(check.argv)
            row.times.append(t)
            row.cpu.append(cpu)
            if rc != check.expected_rc:
                row.problems.append(f"exit code {rc}, expected {check.expected_rc}: {err}")
    return base, rows


def _versions() -> str:
    import numpy
    import sympy

    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    return (f"Python {platform.python_version()} | sympy {sympy.__version__} | "
            f"numpy {numpy.__version__} | CPUs {os.cpu_count()} (usable {usable}) | "
            f"load average {os.getloadavg()[0]:.1f} | {platform.system()} {platform.machine()}")


def _fmt(t: float) -> str:
    return f"{t * 1000:8.0f} ms" if t < 1 else f"{t:9.2f} s"


def print_table(base: Row, rows: list[Row]) -> None:
    width = max(len(r.name) for r in (base, *rows))
    head = (f"{'check (a fresh process each)':<{width}}  {'n':>2} {'min':>11} {'median':>11} "
            f"{'max':>11} {'x import':>9} {'cpu':>11} {'x import':>9} {'target':>8} result")
    print(head)
    print("-" * len(head))
    for r in (base, *rows):
        target = f"< {r.limit:g} s" if r.limit is not None else "-"
        result = "-" if r.limit is None and r.passed else ("PASS" if r.passed else "FAIL")
        print(f"{r.name:<{width}}  {len(r.times):>2} {_fmt(min(r.times)):>11} "
              f"{_fmt(r.median):>11} {_fmt(max(r.times)):>11} "
              f"{r.median / base.median:8.2f}x {_fmt(statistics.median(r.cpu)):>11} "
              f"{statistics.median(r.cpu) / statistics.median(base.cpu):8.2f}x "
              f"{target:>8} {result}")
        for problem in dict.fromkeys(r.problems):
            print(f"{'':<{width}}    !! {problem}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--quick", action="store_true", help="median of 3 runs instead of 5")
    ap.add_argument("--strict", action="store_true",
                    help="exit 1 when a target is missed or an exit code is wrong")
    args = ap.parse_args(argv)
    reps = 3 if args.quick else 5

    print("symderiv ML-loss benchmark" + (" (quick)" if args.quick else ""))
    print(_versions())
    print(f"cold command-line checks: median of {reps} runs each, interleaved with the "
          "baseline, after one untimed run")
    print()
    t0 = time.perf_counter()
    base, rows = measure(reps)
    elapsed = time.perf_counter() - t0
    print_table(base, rows)

    failed = [r for r in rows if not r.passed]
    slowest = max(rows, key=lambda r: r.median)
    print()
    print(f"baseline (import sympy): {_fmt(base.median).strip()}; "
          f"'x import' = median / baseline (wall time, then CPU time of the process); "
          f"target {TARGET_S:g} s = "
          f"{TARGET_S / base.median:.1f}x import")
    print(f"slowest: {slowest.name} ({_fmt(slowest.median).strip()}, "
          f"{slowest.median / base.median:.1f}x import); targets: "
          f"{len(rows) - len(failed)}/{len(rows)} PASS; benchmark wall time {elapsed:.0f} s")
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
