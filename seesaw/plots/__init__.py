"""Figures drawn only from stored results tables.

The CLI and the notebooks call the same functions.
"""
