"""Figures drawn only from stored results tables; the CLI and the notebooks call the same functions."""
