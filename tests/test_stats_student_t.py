"""Student's t from the standard library (seesaw/stats/student_t.py) vs tables and closed forms."""

import math

import numpy as np
import pytest

from seesaw.stats.student_t import betainc, t_cdf, t_quantile, t_sf

# Two-sided critical values t_{q, ν} as printed in standard tables (4 decimals).
TABLE = [
    (0.975, 1, 12.7062),
    (0.975, 2, 4.3027),
    (0.975, 3, 3.1824),
    (0.975, 4, 2.7764),
    (0.975, 5, 2.5706),
    (0.975, 10, 2.2281),
    (0.975, 20, 2.0860),
    (0.975, 30, 2.0423),
    (0.975, 60, 2.0003),
    (0.975, 120, 1.9799),
    (0.95, 1, 6.3138),
    (0.95, 5, 2.0150),
    (0.95, 10, 1.8125),
    (0.95, 30, 1.6973),
    (0.995, 1, 63.6567),
    (0.995, 5, 4.0321),
    (0.995, 10, 3.1693),
    (0.995, 30, 2.7500),
    (0.9995, 10, 4.5869),
    (0.975, math.inf, 1.9600),
    (0.995, math.inf, 2.5758),
]


@pytest.mark.parametrize("q, df, value", TABLE)
def test_quantile_matches_tables(q, df, value):
    assert t_quantile(q, df) == pytest.approx(value, abs=6e-5)
    assert t_quantile(1 - q, df) == pytest.approx(-value, abs=6e-5)


@pytest.mark.parametrize("q", [0.51, 0.6, 0.9, 0.975, 0.999, 1 - 1e-7])
def test_quantile_closed_forms_for_one_and_two_degrees_of_freedom(q):
    # ν = 1 is Cauchy: tan(π(q − ½)) = 1 / tan(π(1 − q)), the latter well conditioned near q = 1;
    # ν = 2: (2q − 1) / sqrt(2q(1 − q)).
    assert t_quantile(q, 1) == pytest.approx(1 / math.tan(math.pi * (1 - q)), rel=1e-11)
    assert t_quantile(q, 2) == pytest.approx((2 * q - 1) / math.sqrt(2 * q * (1 - q)), rel=1e-11)


@pytest.mark.parametrize("df", [1, 2.5, 7, 33.3, 400, math.inf])
def test_cdf_inverts_quantile(df):
    for q in (1e-6, 0.01, 0.3, 0.5, 0.8, 0.99, 1 - 1e-6):
        assert t_cdf(t_quantile(q, df), df) == pytest.approx(q, rel=1e-9, abs=1e-15)


def test_large_df_approaches_normal():
    assert t_quantile(0.975, 1e6) == pytest.approx(1.959963984540054, abs=1e-5)
    assert t_quantile(0.975, math.inf) == pytest.approx(1.959963984540054, rel=1e-12)


def test_tail_keeps_its_digits():
    # ν = 1: P(T > t) = atan(1/t) / π, tiny for large t, where 1 − CDF would lose everything.
    for t in (3.0, 1e3, 1e8):
        assert t_sf(t, 1) == pytest.approx(math.atan(1 / t) / math.pi, rel=1e-12)
    assert t_sf(0.0, 5) == 0.5
    assert t_sf(math.inf, 5) == 0.0 and t_sf(-math.inf, 5) == 1.0


def test_cdf_matches_numerical_integration_of_the_density():
    df, t = 3.7, 1.3
    x = np.linspace(-t, t, 200_001)
    density = (
        math.gamma((df + 1) / 2)
        / (math.sqrt(df * math.pi) * math.gamma(df / 2))
        * (1 + x**2 / df) ** (-(df + 1) / 2)
    )
    inside = float(np.sum((density[1:] + density[:-1]) / 2 * np.diff(x)))
    assert t_cdf(t, df) - t_cdf(-t, df) == pytest.approx(inside, abs=1e-9)


@pytest.mark.parametrize("x", [0.0, 0.05, 0.3, 0.7, 0.99, 1.0])
def test_betainc_closed_forms(x):
    # I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a.
    assert betainc(1.0, 3.5, x) == pytest.approx(1 - (1 - x) ** 3.5, abs=1e-14)
    assert betainc(2.7, 1.0, x) == pytest.approx(x**2.7, abs=1e-14)
    assert betainc(2.0, 5.0, x) + betainc(5.0, 2.0, 1 - x) == pytest.approx(1.0, abs=1e-14)


def test_bad_arguments_are_refused():
    for q in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match="0 < q < 1"):
            t_quantile(q, 5)
    with pytest.raises(ValueError, match="degrees of freedom"):
        t_quantile(0.9, 0)
    with pytest.raises(ValueError, match="betainc"):
        betainc(0.0, 1.0, 0.5)
