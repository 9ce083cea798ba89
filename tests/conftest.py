"""Test-wide JAX settings: strict rank promotion catches silent broadcasting bugs."""

import jax

jax.config.update("jax_numpy_rank_promotion", "raise")
