"""Scale: the main job on the built-in data set at 1x, 5x (and 30x when asked).

Per size: ``eduwh sandbox generate --scale N`` into a temp folder, then ``eduwh run
--as-of 2019-12-06 --data DIR`` twice (a first night, then a second night with nothing
new), each a subprocess with a fresh EDUWH_HOME (its own embedded warehouse on a free
port, stopped after). The per-step lines the job writes on stderr (``[  23.7s] step:
summary (12.3s)``) give the seconds of each step; a sampler reads the RSS of the job's
whole process tree every 0.2 s, so each step also gets its peak memory (the samples
between the previous line and its own). The growth exponent of a step between two sizes
is log(t_big / t_small) / log(big / small): 1 is linear, above 1 super-linear.

    uv run python bench/scale/run.py [SIZES]        # default "1,5"; e.g. "1,5,30"

Prints one JSON object last (the sizes run are in it).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import free_port  # noqa: E402

AS_OF = "2019-12-06"
LINE = re.compile(r"^\[\s*([\d.]+)s\] (.*)$")
STEP = re.compile(r"^(?P<name>[^:]+?): (?P<summary>.*?)(?: \((?P<seconds>[\d.]+)s\))?$")
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def tree_rss_mb(root: int) -> float:
    """The RSS of ``root`` and all its descendants (from /proc), in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total * PAGE / 1e6


def run_measured(args: list[str], env: dict[str, str], log: Path) -> dict:
    """Run ``args``; per stderr step line its seconds and the tree's peak RSS meanwhile."""
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            args, env=env, stdout=out, stderr=subprocess.PIPE, text=True, encoding="utf-8"
        )
        samples: list[tuple[float, float]] = []
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples.append((time.monotonic(), tree_rss_mb(proc.pid)))
                done.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        lines: list[tuple[float, str]] = []
        for line in proc.stderr:
            lines.append((time.monotonic(), line.rstrip("\n")))
            out.write(line)
        code = proc.wait()
        done.set()
        sampler.join()
    ended = time.monotonic()
    steps: list[dict] = []
    previous = started
    for moment, text in lines:
        match = LINE.match(text)
        if not match:
            continue
        step = STEP.match(match.group(2))
        if not step:
            continue
        seconds = step["seconds"]
        window = [rss for at, rss in samples if previous <= at <= moment]
        steps.append(
            {
                "step": step["name"].strip(),
                "seconds": float(seconds) if seconds else round(moment - previous, 1),
                "peak_rss_mb": round(max(window), 1) if window else None,
            }
        )
        previous = moment
    if code != 0:
        tail = "\n".join(text for _, text in lines[-15:])
        raise RuntimeError(f"{' '.join(args)} failed ({code}); see {log}:\n{tail}")
    return {
        "seconds": round(ended - started, 1),
        "peak_rss_mb": round(max((rss for _, rss in samples), default=0.0), 1),
        "steps": steps,
    }


def eduwh(*args: str) -> list[str]:
    return [sys.executable, "-m", "eduwh.cli", *args]


def one_size(scale: int, work: Path) -> dict:
    data = work / f"data-x{scale}"
    home = work / f"home-x{scale}"
    home.mkdir(parents=True)
    os.chmod(work, 0o755)
    os.chmod(home, 0o755)
    env = {k: v for k, v in os.environ.items() if k != "WAREHOUSE_DSN"}
    env.update(EDUWH_HOME=str(home), EDUWH_PG_PORT=str(free_port()))
    result: dict = {"scale": scale}
    t0 = time.monotonic()
    generate = run_measured(
        eduwh("sandbox", "generate", "--out", str(data), "--scale", str(scale)),
        env,
        work / f"generate-x{scale}.log",
    )
    expected = json.loads((data / "expected.json").read_text("utf-8"))
    result["generate"] = {"seconds": round(time.monotonic() - t0, 1), **generate}
    result["records"] = {
        "schools": expected["schools"]["schools"],
        "students": expected["schools"]["students"],
        "dossiers_received": expected["dossiers"]["received"],
        "documents": expected["documents"]["incoming"] + expected["documents"]["outgoing"],
    }
    print(f"x{scale}: generated in {result['generate']['seconds']}s", flush=True)
    try:
        for night in ("first_night", "second_night"):
            result[night] = run_measured(
                eduwh("run", "--as-of", AS_OF, "--data", str(data)),
                env,
                work / f"{night}-x{scale}.log",
            )
            print(
                f"x{scale}: {night} {result[night]['seconds']}s, "
                f"peak {result[night]['peak_rss_mb']} MB",
                flush=True,
            )
    finally:
        subprocess.run(eduwh("warehouse", "stop"), env=env, capture_output=True, check=False)
    return result


def exponents(small: dict, big: dict) -> dict:
    ratio = big["scale"] / small["scale"]
    out: dict = {}
    for night in ("first_night", "second_night"):
        a = {s["step"]: s["seconds"] for s in small[night]["steps"]}
        b = {s["step"]: s["seconds"] for s in big[night]["steps"]}
        per_step = {
            name: round(math.log(b[name] / a[name]) / math.log(ratio), 2)
            for name in a
            if name in b and a[name] >= 0.5 and b[name] > 0
        }
        per_step["total"] = round(
            math.log(big[night]["seconds"] / small[night]["seconds"]) / math.log(ratio), 2
        )
        out[night] = per_step
    return out


def main() -> None:
    sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "1,5").split(",")]
    work = Path(tempfile.mkdtemp(prefix="eduwh-bench-scale-"))
    results: list[dict] = []
    failed: list[dict] = []
    logs: str | None = None
    try:
        for scale in sizes:
            try:
                results.append(one_size(scale, work))
            except Exception as error:  # noqa: BLE001 - reported in the JSON, logs kept
                failed.append({"scale": scale, "error": str(error)[-1500:]})
                break
            print(json.dumps({"size_done": results[-1]}), flush=True)  # progress, kept
    finally:
        if failed:  # the jobs' logs (and their Airflow/dbt log files) for the post-mortem
            kept = Path(tempfile.mkdtemp(prefix="eduwh-bench-scale-logs-"))
            for log in work.glob("*.log"):
                shutil.copy(log, kept)
            for home in work.glob("home-x*"):
                for log in (home / "logs").glob("*"):
                    shutil.copy(log, kept / f"{home.name}-{log.name}")
            logs = str(kept)
        shutil.rmtree(work, ignore_errors=True)
    growth = {
        f"x{a['scale']}->x{b['scale']}": exponents(a, b)
        for a, b in zip(results, results[1:], strict=False)
    }
    first = {r["scale"]: r["first_night"]["seconds"] for r in results}
    second = {r["scale"]: r["second_night"]["seconds"] for r in results}
    print(
        json.dumps(
            {
                "bench": "scale",
                "sizes_run": [r["scale"] for r in results],
                "sizes_failed": failed,
                "logs_of_failures": logs,
                "sizes_not_run": [s for s in (1, 5, 30) if s not in sizes],
                "first_night_seconds": first,
                "second_night_seconds": second,
                "targets": {
                    "second_night_under_30s_at_1x": second.get(1, math.inf) < 30
                    if 1 in second
                    else None,
                    "first_night_under_300s_at_5x": first.get(5, math.inf) < 300
                    if 5 in first
                    else None,
                },
                "growth_exponents": growth,
                "sizes": results,
            }
        )
    )


if __name__ == "__main__":
    main()
