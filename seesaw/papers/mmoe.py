"""MMoE (Ma et al., KDD 2018): readings of Fig. 2 (§3.2, off the plot: approximate), the model
pairs of Fig. 4, and the numbers printed in Tables 1-2 (§6.3, Census-Income). Methods are keyed
by our architecture names where we implement them; the L2-Constrained and Tensor-Factorization
baselines keep their own names.
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

MMOE_PAIRS = (("shared_bottom", "mmoe"), ("shared_bottom", "omoe"), ("omoe", "mmoe"))
"""The model pairs of MMoE Fig. 4's comparisons, by architecture (a, b): loss(a) − loss(b)."""

MMOE_COLUMNS = ("main_best", "main_mean", "aux_with_best", "aux_mean")
"""The columns of MMoE Tables 1-2: the main task's AUC of the run best on it ("best") and its mean
over 400 runs, the auxiliary task's AUC of that same run ("w/ best") and its mean."""

MMOE_TABLES = {
    # Table 1, group 1: income (main) and marital status (auxiliary).
    1: {
        "single_task": (0.9398, 0.9337, 0.9933, 0.9922),
        "shared_bottom": (0.9361, 0.9295, 0.9915, 0.9921),
        "l2_constrained": (0.9389, 0.9359, 0.9922, 0.9918),
        "cross_stitch": (0.9406, 0.9361, 0.9917, 0.9922),
        "tensor_factorization": (0.7460, 0.6765, 0.8175, 0.8412),
        "omoe": (0.9387, 0.9319, 0.9928, 0.9923),
        "mmoe": (0.9410, 0.9359, 0.9926, 0.9927),
    },
    # Table 2, group 2: education (main) and marital status (auxiliary).
    2: {
        "single_task": (0.8843, 0.8792, 0.9933, 0.9922),
        "shared_bottom": (0.8836, 0.8813, 0.9927, 0.9917),
        "l2_constrained": (0.8855, 0.8823, 0.9923, 0.9918),
        "cross_stitch": (0.8855, 0.8819, 0.9919, 0.9921),
        "tensor_factorization": (0.7367, 0.7256, 0.7453, 0.7497),
        "omoe": (0.8852, 0.8813, 0.9915, 0.9912),
        "mmoe": (0.8860, 0.8826, 0.9932, 0.9924),
    },
}
