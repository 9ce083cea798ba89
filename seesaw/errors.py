"""Exceptions raised by seesaw for bad input, so callers can tell them from bugs."""


class SeesawError(Exception):
    """Base class of every error seesaw raises on purpose."""


class ConfigError(SeesawError, ValueError):
    """A configuration value, CLI argument or config file is invalid.

    The message names the offending key or value and what is allowed.
    """


class ResultsError(SeesawError):
    """Results needed for a figure or a resume are missing or inconsistent."""


class Interrupted(SeesawError):
    """A run was interrupted (Ctrl-C); the message says what was kept and how to resume."""
