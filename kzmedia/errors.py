"""Exceptions that name what went wrong and where.

Every error the library raises on purpose is a :class:`KzmediaError`, so a caller can catch one
type; the CLI turns them into one readable line on stderr.
"""

from __future__ import annotations


class KzmediaError(Exception):
    """Base class for every error kzmedia raises on purpose."""


class DocumentError(KzmediaError):
    """A document could not be read or is unusable (bad encoding, empty, too large)."""

    def __init__(self, message: str, *, source: str | None = None):
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class LexiconError(KzmediaError):
    """A lexicon file is malformed. The message names the file and, where known, the line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = path or "<lexicon>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class PluginError(KzmediaError):
    """A plugin is broken: bad registration, duplicate name, unknown hook."""


class AnalyzerError(KzmediaError):
    """An analyzer raised while analysing a document (raised only in strict mode)."""

    def __init__(self, analyzer: str, document_id: str, cause: BaseException):
        self.analyzer = analyzer
        self.document_id = document_id
        self.cause = cause
        super().__init__(
            f"analyzer {analyzer!r} failed on document {document_id!r}: "
            f"{type(cause).__name__}: {cause}"
        )
