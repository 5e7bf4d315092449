"""The one kind of error a person sees: one line naming the field, what was expected and
what was found."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario (or an argument) is not valid; the message is one line for a person."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(_one_line(message))
        self.field = field


def _one_line(text: str) -> str:
    """``text`` with line breaks and other unprintable characters escaped (``\\n``): a key
    or value from a file can hold them, and a message must stay one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class FieldProblem(ValueError):
    """Raised inside validators to name a field path other than the validator's own."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
