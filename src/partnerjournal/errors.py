"""One error hierarchy; ``cli.main`` maps it to a message and an exit code in one place."""


class PJError(Exception):
    """Something the user can fix; shown as one line, exit status 1."""

    exit_code = 1


class UsageError(PJError):
    """The command was called wrongly (bad value, unknown option value): exit status 2."""

    exit_code = 2


class NotFound(PJError):
    """An id or name that the journal does not hold."""


class Conflict(PJError):
    """The journal's state does not allow the change (a commitment closed twice, ...)."""


class JournalError(PJError):
    """The journal file cannot be used: not SQLite, a directory, too new, locked."""


class CatalogError(PJError):
    """The packaged catalog is malformed (a bug in the package, not in the journal)."""


class ImportFormatError(PJError):
    """An import file that cannot be read; the message names the file and line."""
