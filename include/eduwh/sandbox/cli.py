"""Entry functions behind ``eduwh sandbox generate`` and ``eduwh sandbox serve``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from eduwh.sandbox import eoffice_dataset, motcua_dataset, schools_dataset
from eduwh.sandbox.server import SandboxServer


def generate_builtin(out: Path) -> dict:
    """The built-in Quảng Ngãi 2019 data set: every source, one expected.json.

    The one-stop portal's generator writes dataset.json and expected.json; the others
    add their folders and merge their sections into expected.json, so they come after.
    """
    out = Path(out)
    motcua_dataset.generate(out)
    eoffice_dataset.add_documents_to_expected(out)
    schools_dataset.generate_schools(out, motcua_dataset.META)
    return json.loads((out / "expected.json").read_text("utf-8"))


def generate_main(out: Path) -> None:
    """Write the built-in Quảng Ngãi 2019 data set into ``out`` and print its figures."""
    out = Path(out)
    expected = generate_builtin(out)
    d, p = expected["dossiers"], expected["procedures"]
    print(f"data set written to {out}")
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
