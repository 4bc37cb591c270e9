"""Errors a user can act on, and the exit codes every gate shares."""

from __future__ import annotations

EXIT_PASS = 0
"""The gate passed."""
EXIT_FAIL = 1
"""The gate ran and the data or the model did not meet it."""
EXIT_USAGE = 2
"""The gate could not run: a bad argument, a missing or unreadable file, an unreachable server."""


class MlgateError(Exception):
    """An input or usage problem: the command exits 2 and prints the message.

    The message names what is wrong (the file, the column, the option, the value);
    ``hint`` says what to do about it.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class InputError(MlgateError):
    """A data file, schema, profile or report that cannot be used as given."""


class ConfigError(MlgateError):
    """Project settings (``[tool.mlgate]`` in pyproject.toml, params.yaml) missing or wrong."""


class ServiceError(MlgateError):
    """A tracking server or registry that cannot be reached or refused the request."""
