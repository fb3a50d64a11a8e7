"""Shared test settings: a reproducible Hypothesis profile for CI."""

import os

from hypothesis import HealthCheck, settings

# pytester runs a user's test file in a fresh pytest (symderiv.testing's tests)
pytest_plugins = ["pytester"]

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=40)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE",
                                                                      "dev"))
