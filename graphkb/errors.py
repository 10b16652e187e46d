"""Errors meant for the user: the CLI prints their message as one line, without a traceback."""


class GraphkbError(Exception):
    """A failure the user can act on; the message names the file, value or server at fault."""


class ReadOnlyViolation(GraphkbError):
    """A query given to `graphkb query` would write, or read local files."""


class QueryTimeout(GraphkbError):
    """A query ran past its time limit and was cancelled."""
