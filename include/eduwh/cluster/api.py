"""A small client of the cluster's Airflow REST API (/api/v2), with the JWT token the
simple auth manager issues for the admin (its password from the passwords file)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from eduwh.errors import UserError

ATTEMPTS = 5


class AirflowApi:
    def __init__(self, base_url: str, password_file: Path, user: str = "admin"):
        self.base_url = base_url.rstrip("/")
        try:
            password = json.loads(password_file.read_text())[user]
        except (OSError, ValueError, KeyError):
            raise UserError(
                f"no password for {user} in {password_file} (is the cluster up?)"
            ) from None
        answer = self._call("POST", "/auth/token", {"username": user, "password": password})
        self._token = answer["access_token"]

    def get(self, path: str, **query) -> dict:
        if query:
            path += "?" + urllib.parse.urlencode(query, doseq=True)
        return self._call("GET", f"/api/v2{path}")

    def post(self, path: str, body: dict) -> dict:
        return self._call("POST", f"/api/v2{path}", body)

    def patch(self, path: str, body: dict, **query) -> dict:
        if query:  # e.g. update_mask: only those fields (else the body must be whole)
            path += "?" + urllib.parse.urlencode(query, doseq=True)
        return self._call("PATCH", f"/api/v2{path}", body)

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if getattr(self, "_token", None):
            headers["Authorization"] = f"Bearer {self._token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data, headers, method=method)
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    return json.load(response)
            except urllib.error.HTTPError as error:
                detail = error.read().decode(errors="replace")[:300]
                raise UserError(f"Airflow API {method} {path}: {error.code} {detail}") from None
            except OSError as error:  # a loaded machine's API server: slow, not gone
                if attempt == ATTEMPTS:
                    message = f"Airflow API at {self.base_url} not answering: {error}"
                    raise UserError(message) from None
                time.sleep(2 * attempt)
        raise AssertionError("unreachable")

    # -- what a night needs ------------------------------------------------------------
    def dag_runs(self, dag_id: str, **query) -> list[dict]:
        return self.get(f"/dags/{dag_id}/dagRuns", limit=100, **query)["dag_runs"]

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        quoted = urllib.parse.quote(run_id, safe="")
        path = f"/dags/{dag_id}/dagRuns/{quoted}/taskInstances"
        return self.get(path, limit=1000)["task_instances"]

    def task_tries(self, dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> list[dict]:
        """Every try of a task instance (of a mapped task: of its `map_index`)."""
        quoted = urllib.parse.quote(run_id, safe="")
        mapped = f"/{map_index}" if map_index >= 0 else ""
        path = f"/dags/{dag_id}/dagRuns/{quoted}/taskInstances/{task_id}{mapped}/tries"
        return self.get(path)["task_instances"]

    def set_pool_slots(self, pool: str, slots: int) -> dict:
        # Airflow validates the body as a whole pool (name, slots, include_deferred) even
        # when update_mask names only the slots: the rest is sent as it is.
        current = self.get(f"/pools/{pool}")
        body = {
            "pool": current["name"],
            "slots": slots,
            "description": current.get("description"),
            "include_deferred": current["include_deferred"],
        }
        return self.patch(f"/pools/{pool}", body, update_mask="slots")

    def upstream_events(self, dag_id: str, run_id: str) -> list[dict]:
        quoted = urllib.parse.quote(run_id, safe="")
        return self.get(f"/dags/{dag_id}/dagRuns/{quoted}/upstreamAssetEvents")["asset_events"]
