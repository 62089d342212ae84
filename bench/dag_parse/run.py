"""Parse time of each DAG file: a fresh interpreter per measurement, median of N.

Two figures per file, each against the same baseline measured in the same run (an
empty DAG file holding only `from airflow.sdk import dag`):
- cold: the file run in a fresh interpreter (Airflow's own import included);
- warm: Airflow (airflow.sdk) already imported, as in the DAG processor, which forks
  from a process that has it — the time the file itself costs on every parse.
Target: under one second each (warm). Last line: one JSON object with the figures.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "include"))

from eduwh.config import Settings, airflow_environment  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
TARGET_S = 1.0

PROBE = """
import runpy, sys, time
warm = sys.argv[2] == "warm"
if warm:
    import airflow.sdk  # noqa: F401
started = time.perf_counter()
runpy.run_path(sys.argv[1], run_name="__dag_parse__")
print(time.perf_counter() - started)
"""


def measure(path: Path, mode: str, env: dict[str, str]) -> float:
    times = []
    for _ in range(REPEAT):
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(path), mode],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if done.returncode != 0:
            raise SystemExit(f"{path.name} does not parse:\n{done.stderr[-3000:]}")
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def main() -> None:
    settings = Settings.from_env()
    env = {
        **os.environ,
        **airflow_environment(settings),
        "PYTHONPATH": str(ROOT / "include"),
        "PYTHONDONTWRITEBYTECODE": "0",
    }
    with tempfile.TemporaryDirectory() as tmp:
        baseline_file = Path(tmp) / "empty_dag.py"
        baseline_file.write_text("from airflow.sdk import dag  # noqa: F401\n")
        files = {"(baseline)": baseline_file}
        files.update({path.stem: path for path in sorted((ROOT / "dags").glob("*.py"))})
        for path in files.values():  # warm the bytecode caches once
            measure_once = subprocess.run(
                [sys.executable, "-c", PROBE, str(path), "cold"], env=env, capture_output=True
            )
            if measure_once.returncode != 0:
                raise SystemExit(f"{path} does not parse:\n{measure_once.stderr.decode()[-3000:]}")
        results = {}
        for name, path in files.items():
            results[name] = {mode: measure(path, mode, env) for mode in ("cold", "warm")}
    base = results.pop("(baseline)")
    print(f"{'file':28} {'cold s':>8} {'x base':>7} {'warm s':>8} {'- base':>8}")
    print(f"{'(baseline: empty DAG file)':28} {base['cold']:8.3f} {1:7.2f} {base['warm']:8.4f}")
    figures = {}
    for name, times in results.items():
        own = times["warm"] - base["warm"]
        figures[name] = {
            "cold_s": round(times["cold"], 4),
            "cold_ratio": round(times["cold"] / base["cold"], 2),
            "warm_s": round(times["warm"], 4),
            "warm_minus_baseline_s": round(own, 4),
            "under_target": times["warm"] < TARGET_S,
        }
        print(
            f"{name:28} {times['cold']:8.3f} {times['cold'] / base['cold']:7.2f}"
            f" {times['warm']:8.4f} {own:8.4f}"
        )
    print(
        json.dumps(
            {
                "bench": "dag_parse",
                "repeat": REPEAT,
                "target_s": TARGET_S,
                "baseline": {"cold_s": round(base["cold"], 4), "warm_s": round(base["warm"], 4)},
                "dags": figures,
                "all_under_target": all(item["under_target"] for item in figures.values()),
            }
        )
    )


if __name__ == "__main__":
    main()
