"""One module per paper: what it prints and draws (kept beside our results, never as results), its
claims and how each is decided for the model labels that play its roles, and the analyses of a run
that draw them. They use the generic analyses (`seesaw.experiments`); generic code never imports
them, and `seesaw.analyses` joins both.

- `seesaw.papers.mmoe`: MMoE (Ma et al., KDD 2018): Fig. 2, Fig. 4's pairs, Tables 1-2; Figs. 3-5.
- `seesaw.papers.ple`: PLE (Tang et al., RecSys 2020): Fig. 7 and its 87.2%, Table 5; its gates.
- `seesaw.papers.census`: both papers on Census-Income, beside our runs, and their statements.
"""
