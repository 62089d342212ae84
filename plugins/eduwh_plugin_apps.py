"""What both eduwh plugins share (eduwh_docs.py, eduwh_report.py): the ASGI application
they mount, built on its first request, and the FastAPI application behind Airflow's login.

Every process of Airflow loads plugins (scheduler, DAG processor, task runner), so
loading must stay cheap and side-effect free: the real FastAPI application is built by
its module's `create_app` on the first request that reaches it.
"""

from __future__ import annotations

import importlib


class LazyApp:
    """An ASGI application that builds the real one (`<module>.create_app()`) on its
    first call, so that nothing heavy is imported when plugins load."""

    def __init__(self, module: str) -> None:
        self._module = module
        self._app = None

    async def __call__(self, scope, receive, send) -> None:
        if self._app is None:
            self._app = importlib.import_module(self._module).create_app()
        await self._app(scope, receive, send)


def authenticated_app(title: str):
    """A FastAPI application for pages of the Airflow UI: whoever is logged in to Airflow
    may read them."""
    from airflow.api_fastapi.core_api.security import requires_authenticated
    from fastapi import Depends, FastAPI

    guard = [Depends(requires_authenticated())]
    return FastAPI(title=title, dependencies=guard, docs_url=None, redoc_url=None)
