"""Airflow plugin: the latest published report and the last build's checkpoint, in the UI.

Airflow 3 serves plugin pages as FastAPI sub-applications (`fastapi_apps`, mounted
under `url_prefix` by the API server) and links them from the UI's navigation with
`external_views` (shown in an iframe at `/plugin/<url_route>`).

Loading this plugin is cheap and side-effect free — every process of Airflow loads
plugins (scheduler, DAG processor, task runner): the FastAPI application is built on
the first request that reaches it (eduwh_plugin_apps.LazyApp), and the handlers import `eduwh`, read
the report folder and open the warehouse connection only when a page is asked for.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from eduwh_plugin_apps import LazyApp

URL_PREFIX = "/eduwh"


class EduwhReportPlugin(AirflowPlugin):
    name = "eduwh_report"
    fastapi_apps = [
        {"app": LazyApp("eduwh_report_app"), "url_prefix": URL_PREFIX, "name": "eduwh report"},
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
