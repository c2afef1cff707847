"""Stands in for a library you depend on: it warns, and carries on."""

import warnings


def load_settings() -> dict:
    warnings.warn("settings file not found, using defaults", RuntimeWarning, stacklevel=2)
    return {}
