"""Shared test settings: a reproducible Hypothesis profile for CI, and the fuzz report."""

import os
import sys

from hypothesis import HealthCheck, settings

# pytester runs a user's test file in a fresh pytest (symderiv.testing's tests)
pytest_plugins = ["pytester"]

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=40)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE",
                                                                      "dev"))


def pytest_terminal_summary(terminalreporter) -> None:
    """The number of generated inputs test_fuzz.py fed, shown in every run that has it."""
    module = sys.modules.get("test_fuzz") or sys.modules.get("tests.test_fuzz")
    ledger = getattr(module, "FUZZ", None)
    if ledger is not None and ledger.total:
        terminalreporter.section("fuzz")
        for line in ledger.summary():
            terminalreporter.write_line(line)
