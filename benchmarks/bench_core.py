"""Core timing benchmark for symderiv: cold-start CLI and in-process seed checks.

Run from the repository root::

    python benchmarks/bench_core.py            # full run
    python benchmarks/bench_core.py --quick    # fewer repetitions
    python benchmarks/bench_core.py --strict   # exit 1 when a target is missed

Every time is reported as a ratio to a baseline measured in the same run: the wall
time of a cold ``python -c "import sympy"`` subprocess with the same interpreter.
The targets are reported (PASS/FAIL), not asserted; only ``--strict`` turns a
missed target into a non-zero exit status.  See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from symderiv.definitions import Division
    from symderiv.examples import SeedExample
    from symderiv.verdict import Verdict

REPO_ROOT = Path(__file__).resolve().parent.parent

CLI_TARGET_S = 1.5
SEED_TARGET_S = 0.2

BASELINE_ARGV = ["-c", "import sympy"]
CLI_ARGV = [
    "-m", "symderiv", "grad", "norm(y - X @ w)**2",
    "--wrt", "w",
    "--let", "X: m x n; y: m; w: n",
    "--claim", "-2 * X.T @ y + X.T @ X @ w",
]
CLI_EXPECTED_RC = 1  # the claim is the textbook erratum: the check must report "fails"

VERIFY_TARGET_S = 2.0
VERIFY_ARGV = ["-m", "symderiv", "verify", "docs/examples/least_squares.md"]
VERIFY_EXPECTED_RC = 1  # the document holds the book's erratum

_TASK_TAG = {"gradient": "grad", "hessian": "hess", "equal": "eq", "divide": "div",
             "power": "pow"}


@dataclass
class Row:
    """One line of the result table."""

    name: str
    times: list[float]
    limit: float | None = None  # target in seconds; None for the baseline
    ok: bool = True  # the outcome / exit code was the expected one
    detail: str = ""  # what went wrong when ``ok`` is False

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def passed(self) -> bool:
        if not self.ok:
            return False
        return self.limit is None or self.median < self.limit

    @property
    def verdict(self) -> str:
        if self.limit is None:
            return "-" if self.ok else "FAIL"
        return "PASS" if self.passed else "FAIL"


# -- measurements --------------------------------------------------------------------------
def _run_python(argv: Sequence[str]) -> tuple[float, int, str]:
    """Wall time, exit code and stderr tail of ``sys.executable *argv`` (output captured)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *argv], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - t0
    err = proc.stderr.strip()[-200:]
    return elapsed, proc.returncode, f": {err}" if err else ""


def bench_subprocesses(reps: int) -> tuple[Row, Row, Row]:
    """The import-sympy baseline and the cold CLI runs, interleaved so drift hits all."""
    # One untimed run of each so .pyc files exist and the OS file cache is warm; every timed
    # run is still a fresh interpreter ("cold" in the sense of a new process).
    _run_python(BASELINE_ARGV)
    _run_python(CLI_ARGV)
    _run_python(VERIFY_ARGV)
    base = Row('baseline: python -c "import sympy"', [])
    cli = Row("cli: symderiv grad (least squares, erratum)", [], limit=CLI_TARGET_S)
    verify = Row("cli: symderiv verify least_squares.md", [], limit=VERIFY_TARGET_S)
    for _ in range(reps):
        t, rc, err = _run_python(BASELINE_ARGV)
        base.times.append(t)
        if rc != 0:
            base.ok, base.detail = False, f"exit code {rc}{err}"
        for row, argv, want in ((cli, CLI_ARGV, CLI_EXPECTED_RC),
                                (verify, VERIFY_ARGV, VERIFY_EXPECTED_RC)):
            t, rc, err = _run_python(argv)
            row.times.append(t)
            if rc != want:
                row.ok = False
                row.detail = f"exit code {rc}, expected {want}{err}"
    return base, cli, verify


def _seed_call(ex: SeedExample) -> Callable[[], Verdict | Division]:
    """A zero-argument call that runs the check the example describes (the library's own
    dispatch, so that every kind of seed example is timed)."""
    from symderiv.examples import check_example

    return lambda: check_example(ex)


def bench_seeds(reps: int, width: int) -> list[Row]:
    """Each seed example checked in-process, median of ``reps`` runs."""
    from symderiv import check_gradient
    from symderiv.examples import SEED_EXAMPLES

    # Warm-up: pay the imports and first-call set-up once, outside every timing.
    check_gradient("x.T @ A @ x", wrt="x", claim="2 * A @ x", let="x: n; A: n x n, symmetric")

    rows = []
    for i, ex in enumerate(SEED_EXAMPLES, 1):
        name = f"seed {i:2d} {_TASK_TAG.get(ex.task, ex.task)}: {ex.source}"
        if len(name) > width:
            name = name[: width - 1] + "…"
        row = Row(name, [], limit=SEED_TARGET_S)
        call = _seed_call(ex)
        for _ in range(reps):
            t0 = time.perf_counter()
            try:
                outcome = call().outcome
            except Exception as exc:
                row.times.append(time.perf_counter() - t0)
                row.ok, row.detail = False, f"raised {type(exc).__name__}: {exc}"
                break
            row.times.append(time.perf_counter() - t0)
            if outcome != ex.expected:
                row.ok = False
                row.detail = f"outcome {outcome!r}, expected {ex.expected!r}"
        rows.append(row)
    return rows


# -- report --------------------------------------------------------------------------------
def _versions() -> str:
    import numpy
    import sympy

    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    return (
        f"Python {platform.python_version()} ({sys.executable}) | sympy {sympy.__version__} | "
        f"numpy {numpy.__version__} | CPUs {os.cpu_count()} (usable {usable}) | "
        f"{platform.system()} {platform.machine()}"
    )


def _fmt_s(t: float) -> str:
    return f"{t * 1000:9.1f} ms" if t < 1 else f"{t:10.3f} s"


def print_table(rows: list[Row], baseline: float, width: int) -> None:
    head = (
        f"{'benchmark':<{width}} {'n':>2} {'first':>12} {'median':>12} "
        f"{'x import':>9} {'target':>9} {'target x':>9} result"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        target = f"< {r.limit:g} s" if r.limit is not None else "-"
        target_ratio = f"{r.limit / baseline:8.2f}x" if r.limit is not None else "-"
        print(
            f"{r.name:<{width}} {len(r.times):>2} {_fmt_s(r.times[0]) if r.times else '-':>12} "
            f"{_fmt_s(r.median):>12} {r.median / baseline:8.2f}x {target:>9} "
            f"{target_ratio:>9} {r.verdict}"
        )
        if not r.ok:
            print(f"{'':<{width}}    !! {r.detail}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (3 / 1)")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args(argv)

    sub_reps, seed_reps = (3, 1) if args.quick else (5, 3)
    width = 58

    print("symderiv core benchmark" + (" (quick)" if args.quick else ""))
    print(_versions())
    print(
        f"subprocess runs: median of {sub_reps} (interleaved, after 1 untimed run each); "
        f"in-process seeds: median of {seed_reps} after a warm-up check"
    )
    print()

    t_start = time.perf_counter()
    base, cli, verify = bench_subprocesses(sub_reps)
    seeds = bench_seeds(seed_reps, width)
    elapsed = time.perf_counter() - t_start

    baseline = base.median
    rows = [base, cli, verify, *seeds]
    print_table(rows, baseline, width)

    targets = [r for r in rows if r.limit is not None]
    missed = [r for r in targets if not r.passed]
    bad = [r for r in rows if not r.ok]
    seed_total = sum(r.median for r in seeds)
    slowest = max(seeds, key=lambda r: r.median)
    print()
    print(f"baseline (import sympy): {_fmt_s(baseline).strip()}; "
          f"'x import' = median / baseline, 'target x' = target / baseline")
    print(f"seed checks: total of medians {_fmt_s(seed_total).strip()} "
          f"({seed_total / baseline:.2f}x import); slowest {_fmt_s(slowest.median).strip()} "
          f"({slowest.name.split(':', 1)[0].strip()})")
    print(f"targets: {len(targets) - len(missed)}/{len(targets)} PASS"
          + (f", {len(bad)} with a wrong outcome/exit code" if bad else "")
          + f"; benchmark wall time {elapsed:.1f} s")

    if missed and args.strict:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
