"""Values read off the papers' figures, drawn beside our results for comparison (never as results).

Source: MMoE §3.2, Fig. 2, read off the plot: approximate readings, not printed numbers.
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
