"""storyline: news articles → an evidence-linked record of political events and their stories."""
from __future__ import annotations

__version__ = "0.1.0"  # first: settings.py reads it while the imports below run

from .model import ArticleResult, to_dict
from .pipeline import process

__all__ = ["ArticleResult", "process", "to_dict", "__version__"]
