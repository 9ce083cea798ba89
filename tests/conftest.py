"""Test-wide JAX settings.

The tests compile many tiny programs once each; XLA's optimisation passes cost far more time than
they save on those, so they are turned off here (the library itself runs with XLA's defaults).
Numbers then differ from optimised builds in the low bits only, so tests compare across programs
with tolerances. Strict rank promotion catches silent broadcasting bugs.
"""

import os

_FAST_COMPILE = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {_FAST_COMPILE}".strip()

import jax  # noqa: E402  (XLA_FLAGS must be set before JAX starts its backend)

jax.config.update("jax_numpy_rank_promotion", "raise")
