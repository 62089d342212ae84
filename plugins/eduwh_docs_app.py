"""The pages of the eduwh docs plugin (see eduwh_docs.py): dbt's docs site, as generated.

Only the standard library is imported at module level: Airflow imports every file of
the plugins folder while it loads plugins. FastAPI and `eduwh` are imported by
`create_app`, when the API server first serves a page.

    /eduwh-docs/                dbt's index.html (it fetches the two files below)
    /eduwh-docs/manifest.json   the project: models, columns, descriptions, exposures
    /eduwh-docs/catalog.json    the relations as the warehouse has them
"""

from __future__ import annotations

MEDIA_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "manifest.json": "application/json",
    "catalog.json": "application/json",
}


def create_app():
    from fastapi import HTTPException
    from fastapi.responses import FileResponse

    from eduwh_plugin_apps import authenticated_app

    app = authenticated_app("eduwh docs")

    def site_file(name: str) -> FileResponse:
        from eduwh.config import Settings
        from eduwh.warehouse.docs import docs_site

        path = docs_site(Settings.from_env()) / name
        if not path.is_file():
            raise HTTPException(404, f"no {name}: run `eduwh docs generate` / chưa tạo tài liệu")
        return FileResponse(path, media_type=MEDIA_TYPES[name])

    @app.get("/")
    def index() -> FileResponse:
        return site_file("index.html")

    @app.get("/{name}")
    def artifact(name: str) -> FileResponse:
        if name not in MEDIA_TYPES:
            raise HTTPException(404, f"{name}: not a file of the docs site")
        return site_file(name)

    return app
