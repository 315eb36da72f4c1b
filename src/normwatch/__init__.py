"""normwatch: an evidence-linked observatory of the international cyber-norms system."""

from .errors import NormwatchError
from .model import Document, Meta, RawDoc, Rejection, Span
from .settings import Settings

__version__ = "0.1.0"

__all__ = [
    "Document",
    "Meta",
    "NormwatchError",
    "RawDoc",
    "Rejection",
    "Settings",
    "Span",
    "__version__",
]
