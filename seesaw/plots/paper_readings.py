"""Values read off the papers' figures, drawn beside our results for comparison (never as results).

Sources: MMoE §3.2, Fig. 2, and PLE §5.2, Fig. 7, read off the plots: approximate readings, not
printed numbers.
"""

# MMoE Fig. 2: weight cosine -> label Pearson correlation.
MMOE_FIG2 = {
    0.4: 0.05,
    0.5: 0.07,
    0.6: 0.10,
    0.7: 0.135,
    0.8: 0.19,
    0.9: 0.30,
    0.95: 0.44,
    0.98: 0.66,
    1.0: 1.0,
}

# PLE Fig. 7: MTL gain (MSE units) per panel and task, for Hard Parameter Sharing, MMoE and PLE.
# "overall" (Average panel only) is the sum of the two task averages.
PLE_FIG7 = {
    "0.2": {"1": (0.0027, 0.0045, 0.0068), "2": (-0.0007, 0.0003, 0.0007)},
    "0.4": {"1": (-0.0021, -0.0004, 0.0002), "2": (0.0050, 0.0062, 0.0101)},
    "0.5": {"1": (0.0019, 0.0064, 0.0074), "2": (0.0014, -0.0010, 0.0020)},
    "0.75": {"1": (0.0023, 0.0024, 0.0055), "2": (-0.0006, 0.0003, 0.0031)},
    "1": {"1": (-0.0025, 0.0070, 0.0072), "2": (-0.0135, -0.0015, 0.0015)},
    "average": {
        "1": (0.0005, 0.0040, 0.0054),
        "2": (-0.0017, 0.0009, 0.0035),
        "overall": (-0.0012, 0.0048, 0.0089),
    },
}
PLE_FIG7_MODELS = ("shared_bottom", "mmoe", "ple")
"""The architectures of PLE_FIG7's tuples, in order (Hard Parameter Sharing is Shared-Bottom)."""
