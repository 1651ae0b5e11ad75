"""storyline's web app and JSON API (FastAPI, Jinja2): `create_app(settings)`, `serve`."""
from __future__ import annotations

from .app import create_app, serve

__all__ = ["create_app", "serve"]
