"""Entry functions behind ``eduwh sandbox generate`` and ``eduwh sandbox serve``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from eduwh_sandbox import (
    agency_sandbox,
    eoffice_dataset,
    indicators_dataset,
    merged_dataset,
    motcua_dataset,
    schools_dataset,
)
from eduwh_sandbox.server import SandboxServer

DATASETS = ("quang-ngai-2019", "quang-ngai-2025", "quang-ngai-2025-merged")
DEFAULT_DATASET = "quang-ngai-2019"


def generate_builtin(out: Path, dataset: str = DEFAULT_DATASET, scale: int = 1) -> dict:
    """A built-in data set; ``quang-ngai-2019`` (default): every source, one expected.json.

    The one-stop portal's generator writes dataset.json and expected.json; the others
    add their folders and merge their sections into expected.json, so they come after.
    ``quang-ngai-2025`` is the one-stop portal alone, 2022-2025, with the Decision 766
    indicators in its expected.json.
    ``scale`` N (2019 only): schools, pupils, staff, dossiers and documents N times the
    built-in ones; expected.json is still counted from the records written.
    """
    out = Path(out)
    if scale < 1 or (scale != 1 and dataset != DEFAULT_DATASET):
        raise ValueError(f"--scale {scale}: a whole number >= 1, for {DEFAULT_DATASET} only")
    if dataset == merged_dataset.NAME:  # several agencies: see merged_dataset.py
        return merged_dataset.generate(out)
    if dataset == "quang-ngai-2025":
        indicators_dataset.generate(out)
        return json.loads((out / "expected.json").read_text("utf-8"))
    if dataset != DEFAULT_DATASET:
        raise ValueError(f"unknown built-in data set {dataset!r}; one of {', '.join(DATASETS)}")
    motcua_dataset.generate(out, scale=scale)
    eoffice_dataset.add_documents_to_expected(out, scale=scale)
    schools_dataset.generate_schools(out, motcua_dataset.META, scale=float(scale))
    return json.loads((out / "expected.json").read_text("utf-8"))


def generate_main(out: Path, dataset: str = DEFAULT_DATASET, scale: int = 1) -> None:
    """Write a built-in data set (default: Quảng Ngãi 2019) into ``out``; print its figures."""
    out = Path(out)
    expected = generate_builtin(out, dataset, scale)
    print(f"data set written to {out}")
    if dataset == merged_dataset.NAME:
        for r in expected["reports"]:
            d = r["dossiers"]
            print(
                f"{r['agency']['name']} {r['year']} as of {r['as_of']}: {d['received']} received "
                f"({d['carried_over']} carried over), {d['resolved']} resolved, "
                f"{d['in_progress']} in progress"
            )
        return
    d, p = expected["dossiers"], expected["procedures"]
    if dataset == "quang-ngai-2025":
        year = expected["indicators_766_year"]
        print(
            f"motcua: {p['total']} procedures, {d['received']} received in {expected['year']} "
            f"({d['carried_over']} carried over), {d['resolved']} resolved "
            f"({d['resolved_late']} late), {d['in_progress']} in progress; "
            f"quarantine {expected['quarantine']['motcua_hoso']}"
        )
        print(
            f"indicators_766 {expected['year']} ("
            + ", ".join(f"{k} {v['rate']}" for k, v in year.items())
            + f"); {len(expected['indicators_766'])} months in expected.json"
        )
        return
    print(
        f"motcua: {p['total']} procedures ({p['online_level_3']} at level 3), "
        f"{d['received']} received, {d['resolved']} resolved ({d['resolved_late']} late), "
        f"{d['in_progress']} in progress, {d['withdrawn']} withdrawn, "
        f"{d['received_bcci']} by BCCI; "
        f"quarantine {expected['quarantine']['motcua_hoso']}"
    )
    docs, schools = expected["documents"], expected["schools"]
    print(
        f"eoffice: {docs['incoming']} incoming, {docs['outgoing']} outgoing, "
        f"{docs['secret_excluded']} secret left out"
    )
    print(
        f"schools {schools['school_year']}: {schools['schools']} schools, "
        f"{schools['students']} students, {schools['schools_on_smas']} on SMAS, "
        f"{schools['schools_on_vnedu']} on vnEdu"
    )


def serve_main(data: Path, clock: str | None, faults: str, port: int) -> None:
    """Serve the data set until Ctrl-C.

    ``clock``: ``2019-12-06T23:59:59`` or ``yyyyMMddHHmmss`` (default: end of ``as_of``).
    """
    if agency_sandbox.is_several_agencies(Path(data)):
        _serve_agencies(Path(data), clock, faults)
        return
    server = SandboxServer(Path(data), clock=clock, faults=faults, port=port)
    server.start()
    print(f"sandbox on {server.base_url} (clock {server.clock}, faults {faults})")
    for source, url in server.urls.items():
        print(f"  {source.upper()}_BASE_URL={url}")
    print("credentials: client_id=eduwh client_secret=sandbox-secret; Ctrl-C to stop")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _fault_profiles(faults: str) -> str | dict[str, str]:
    """``bad-night`` for every instance, or ``MOTCUA_KT=bad-night,EOFFICE=none`` per prefix."""
    if "=" not in faults:
        return faults
    pairs = (item.split("=", 1) for item in faults.split(",") if item.strip())
    return {prefix.strip(): profile.strip() for prefix, profile in pairs}


def _serve_agencies(data: Path, clock: str | None, faults: str) -> None:
    """A several-agencies data set: one instance per prefix of DIR/agencies.yml."""
    sandbox = agency_sandbox.AgencySandbox(data, clock=clock, faults=_fault_profiles(faults))
    try:  # Ctrl-C at any point stops the instances and removes the views
        sandbox.start()
        print(f"sandbox of {sandbox.register_path} (clock {sandbox.clock}, faults {faults})")
        for name, value in sandbox.settings.items():
            if name.endswith(("_BASE_URL", "_DROP_DIR")):
                print(f"  {name}={value}")
        print(f"  EDUWH_AGENCIES_FILE={sandbox.register_path}")
        print("credentials: client_id=eduwh client_secret=sandbox-secret; Ctrl-C to stop")
        sys.stdout.flush()
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.close()
