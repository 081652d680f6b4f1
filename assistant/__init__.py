"""SSR Brief Assistant: offline retrieval with cited passages over policy briefs."""

__version__ = "0.1.0"
