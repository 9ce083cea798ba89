"""What the two papers print and draw, as data: readings of their figures, their printed tables
and the constants their claims quote, kept beside our results for comparison (never as results).
Generic code (`seesaw.experiments`, `seesaw.plots`) takes these as arguments or imports them
from here; nothing here imports the rest of seesaw.

- `seesaw.papers.mmoe`: MMoE (Ma et al., KDD 2018): Fig. 2's readings, Fig. 4's pairs, Tables 1-2.
- `seesaw.papers.ple`: PLE (Tang et al., RecSys 2020): Fig. 7's readings and its 87.2%, Table 5.
"""
