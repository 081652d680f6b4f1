"""SSR Brief Assistant: offline answers quoted from policy briefs, with citations."""

__version__ = "0.1.0"
