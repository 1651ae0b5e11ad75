"""What every request handler shares: the settings, the store's engine, the upload processor
and the templates. One per app (`create_app`), kept on `app.state`; no globals."""
from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Engine
from starlette.templating import Jinja2Templates

from ..settings import Settings
from .uploads import Processor


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    engine: Engine
    processor: Processor
    templates: Jinja2Templates


def context(request: Request) -> AppContext:
    ctx = request.app.state.ctx
    assert isinstance(ctx, AppContext)
    return ctx
