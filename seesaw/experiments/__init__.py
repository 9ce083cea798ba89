"""The layer the CLI and the notebooks call: experiment kinds, running them, drawing their figures
from the stored tables, their summaries and claims, and the gate tables.

It is the only place that joins `seesaw.sweep` (configs, cells, the results store) with
`seesaw.plots` (figures from DataFrames). Imports point one way: data -> models -> train -> sweep
-> experiments (with plots beside) -> cli.
"""
