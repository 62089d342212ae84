"""Airflow plugin: the latest published report and the last build's checkpoint, in the UI.

Airflow 3 serves plugin pages as FastAPI sub-applications (`fastapi_apps`, mounted
under `url_prefix` by the API server) and links them from the UI's navigation with
`external_views` (shown in an iframe at `/plugin/<url_route>`).

Loading this plugin is cheap and side-effect free — every process of Airflow loads
plugins (scheduler, DAG processor, task runner): the FastAPI application is built on
the first request that reaches it (`_LazyApp`), and the handlers import `eduwh`, read
the report folder and open the warehouse connection only when a page is asked for.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

URL_PREFIX = "/eduwh"


class _LazyApp:
    """An ASGI application that builds the real one (`eduwh_report_app.create_app`)
    on its first call, so that nothing heavy is imported when plugins load."""

    def __init__(self) -> None:
        self._app = None

    async def __call__(self, scope, receive, send) -> None:
        if self._app is None:
            from eduwh_report_app import create_app

            self._app = create_app()
        await self._app(scope, receive, send)


class EduwhReportPlugin(AirflowPlugin):
    name = "eduwh_report"
    fastapi_apps = [
        {"app": _LazyApp(), "url_prefix": URL_PREFIX, "name": "eduwh report"},
    ]
    external_views = [
        {
            "name": "eduwh report / Báo cáo",
            "href": f"{URL_PREFIX}/",
            "destination": "nav",
            "category": "browse",
            "url_route": "eduwh-report",
        },
    ]
