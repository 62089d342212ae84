"""Entry functions behind ``eduwh sandbox generate`` and ``eduwh sandbox serve``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from eduwh_sandbox import eoffice_dataset, indicators_dataset, motcua_dataset, schools_dataset
from eduwh_sandbox.server import SandboxServer

DATASETS = ("quang-ngai-2019", "quang-ngai-2025")
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
    d, p = expected["dossiers"], expected["procedures"]
    print(f"data set written to {out}")
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
