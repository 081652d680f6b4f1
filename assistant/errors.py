"""The exceptions the core raises; the CLI and the API map them once to exit codes and 4xx bodies."""


ECHOED_CHARS = 80  # of a value a request sent, quoted back in an error message


def echoed(value: object) -> str:
    """A value a request sent, as an error message quotes it: cut to ECHOED_CHARS characters (an id of 10,000
    characters is said to be unknown, not sent back whole)."""
    text = str(value)
    return text if len(text) <= ECHOED_CHARS else text[: ECHOED_CHARS - 1] + "…"


class AssistantError(Exception):
    """Base class: the message says what is wrong and how to fix it."""


class CorpusError(AssistantError):
    """The corpus folder is missing, empty, or holds nothing that could be ingested."""


class DocumentError(AssistantError):
    """One file could not be ingested (unsupported, corrupt, encrypted, empty, image-only)."""


class IndexMissing(AssistantError):
    """No index has been built at the configured place."""


class IndexMismatch(AssistantError):
    """The index on disk was built with another model, dimension or chunker version."""


class IndexCorrupt(IndexMismatch):
    """A build's files cannot be read back (truncated, unparsable or inconsistent)."""


class StoreUnavailable(AssistantError):
    """The database holding the passage vectors (store=postgres) cannot be reached or refused a query."""


class InvalidQuestion(AssistantError):
    """The question is empty, too long, or asks for an impossible option."""


class InvalidOption(AssistantError):
    """A command-line option or request field that cannot be used as given."""


class UnknownDocument(AssistantError):
    """A document id named in a request is not in the index."""


class ModelUnavailable(AssistantError):
    """The embedding model cannot be found locally (nothing is ever downloaded)."""
