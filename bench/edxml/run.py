"""Benchmark of the streaming edXML reader (eduwh.extract.edxml.parse_package).

1. throughput: N ordinary packages (1-3 attachments of 1-32 KB) read from files;
2. memory on ONE package with a big attachment (default 200 MB, base64 stream-written to
   a temp dir), each reader in its own subprocess: peak tracemalloc (Python heap) and the
   growth of ru_maxrss (whole process, libxml2 included) over the process's baseline:
   - stream: parse_package (lxml parser target fed 64 KiB chunks);
   - iterparse: lxml.etree.iterparse(events=("end",), huge_tree=True) with clear() of
     elements and preceding siblings, reading .text of the attachment to size it;
   - tree (baseline): lxml.etree.parse of the whole document (non-streaming), on a
     smaller attachment (default 50 MB) so the growth shows without exhausting memory;
3. linearity: parse time of a package holding N and 10 N elements inside MessageHeader,
   nested (default N = 10 000, the depth limit lifted for the measure) and wide (N siblings,
   default N = 100 000); the growth ratio t(10 N) / t(N) is ~10 when the cost is linear
   in the package (it was ~75 for nesting when every end tag scanned the element path).
   Also: how long the default limits take to refuse a 100 000-deep nesting bomb.
Last printed line: one JSON object with the figures and ratios.

    uv run python bench/edxml/run.py [--packages 10000] [--big-mb 200] [--tree-mb 50]
                                     [--nested 10000] [--wide 100000]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "include"))

from eduwh_sandbox.eoffice_dataset.catalogue import AGENCY_BY_CODE, Agency  # noqa: E402
from eduwh_sandbox.eoffice_dataset.certificates import Certificates  # noqa: E402
from eduwh_sandbox.eoffice_dataset.packages import PackageSpec, write_package  # noqa: E402


def spec(attachments, signed=True):
    own = Agency(
        "000.23.34.H48", "Sở Giáo dục và Đào tạo Quảng Ngãi", "department", "SGDĐT", "Giám đốc"
    )
    sender = AGENCY_BY_CODE["000.00.00.G22"]
    return PackageSpec(
        sender=sender,
        recipients=[own],
        code_number="4567",
        code_notation="BGDĐT-GDTrH",
        promulgation=date(2019, 12, 2),
        type_code="CV",
        subject="V/v bench",
        signer_position="Thứ trưởng",
        signer_competence="KT. BỘ TRƯỞNG",
        signer_name="A",
        due=None,
        priority="0",
        hops=[
            ("000.00.00.G22", datetime(2019, 12, 2, 8)),
            ("000.23.34.H48", datetime(2019, 12, 2, 8, 1)),
        ],
        attachments=attachments,
        cert=Certificates(1).for_agency(sender),
        content_seed="bench",
        signed=signed,
    )


CHILD = r"""
import json, resource, sys, time, tracemalloc
sys.path.insert(0, sys.argv[3])
mode, path = sys.argv[1], sys.argv[2]
from lxml import etree
from eduwh.extract.edxml import parse_file
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
t = time.perf_counter()
if mode == "stream":
    size = parse_file(path).attachments[0].size
elif mode == "iterparse":
    size = 0
    for _, el in etree.iterparse(path, events=("end",), huge_tree=True):
        if el.tag.endswith("ContentTransferEncoded"):
            size = len(el.text) * 3 // 4
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]
else:
    doc = etree.parse(path, etree.XMLParser(huge_tree=True))
    size = sum(len(e.text) * 3 // 4 for e in doc.iter()
               if str(e.tag).endswith("ContentTransferEncoded"))
seconds = time.perf_counter() - t
_, peak = tracemalloc.get_traced_memory()
grow = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
print(json.dumps({"mode": mode, "seconds": seconds, "tracemalloc_peak_mb": peak / 2**20,
                  "maxrss_growth_mb": grow / 1024, "size": size}))
"""


def child(mode: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path), str(ROOT / "include")],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def with_elements(base: bytes, fragment: bytes) -> bytes:
    """``base`` (a package) with ``fragment`` as the last child of MessageHeader."""
    close = b"</edXML:MessageHeader>"
    assert base.count(close) == 1
    return base.replace(close, fragment + close)


def best_parse_seconds(data: bytes, repeat: int = 3, **limits) -> float:
    from eduwh.extract.edxml import parse_package

    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        parse_package(io.BytesIO(data), **limits)
        best = min(best, time.perf_counter() - t)
    return best


def linearity(nested: int, wide: int) -> dict:
    from eduwh.extract.edxml import MalformedPackage, parse_package

    out = io.BytesIO()
    write_package(out, spec([("a.pdf", 1024)]), random.Random(3))
    base = out.getvalue()
    figures: dict = {}
    shapes = {
        "nested": (nested, lambda n: b"<edXML:Nest>" * n + b"</edXML:Nest>" * n),
        "wide": (wide, lambda n: b"<edXML:Item>x</edXML:Item>" * n),
    }
    for name, (n, fragment) in shapes.items():
        small, large = with_elements(base, fragment(n)), with_elements(base, fragment(10 * n))
        t_small = best_parse_seconds(small, max_depth=20 * n)
        t_large = best_parse_seconds(large, max_depth=20 * n)
        figures[name] = {
            "n": n,
            "bytes_n": len(small),
            "bytes_10n": len(large),
            "seconds_n": round(t_small, 4),
            "seconds_10n": round(t_large, 4),
        }
        figures[f"ratio_{name}_10n_over_n"] = round(t_large / max(t_small, 1e-9), 1)
    bomb = with_elements(base, shapes["nested"][1](100_000))
    t = time.perf_counter()
    try:
        parse_package(io.BytesIO(bomb))
        reason = None
    except MalformedPackage as error:
        reason = error.reason
    figures["nesting_bomb_100k"] = {
        "bytes": len(bomb),
        "reason": reason,
        "seconds": round(time.perf_counter() - t, 4),
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--tree-mb", type=int, default=50)
    parser.add_argument("--nested", type=int, default=10_000)
    parser.add_argument("--wide", type=int, default=100_000)
    args = parser.parse_args()
    from eduwh.extract.edxml import parse_file

    with tempfile.TemporaryDirectory(prefix="edxml-bench-") as tmp:
        folder = Path(tmp)
        rng = random.Random(1)
        paths = []
        for i in range(args.packages):
            p = folder / f"{i}.edxml"
            with open(p, "wb") as out:
                n = rng.choice((1, 1, 1, 2, 3))
                write_package(
                    out, spec([(f"a{j}.pdf", rng.randint(1024, 32 * 1024)) for j in range(n)]), rng
                )
            paths.append(p)
        total_bytes = sum(p.stat().st_size for p in paths)
        t = time.perf_counter()
        for p in paths:
            parse_file(str(p))
        seconds = time.perf_counter() - t
        for p in paths:
            p.unlink()
        big, small = folder / "big.edxml", folder / "small.edxml"
        for path, mb in ((big, args.big_mb), (small, args.tree_mb)):
            with open(path, "wb") as out:
                write_package(out, spec([("big.pdf", mb * 2**20)]), random.Random(2))
        stream = child("stream", big)
        iterparse = child("iterparse", big)
        stream_small = child("stream", small)
        tree = child("tree", small)
    linear = linearity(args.nested, args.wide)
    figures = {
        "packages": args.packages,
        "packages_per_s": round(args.packages / seconds, 1),
        "mb_per_s": round(total_bytes / seconds / 2**20, 1),
        "big_attachment_mb": args.big_mb,
        "stream_big": stream,
        "iterparse_big": iterparse,
        "tree_attachment_mb": args.tree_mb,
        "stream_small": stream_small,
        "tree_small": tree,
        "ratio_rss_iterparse_over_stream_big": round(
            iterparse["maxrss_growth_mb"] / max(stream["maxrss_growth_mb"], 0.1), 1
        ),
        "ratio_rss_tree_over_stream_small": round(
            tree["maxrss_growth_mb"] / max(stream_small["maxrss_growth_mb"], 0.1), 1
        ),
        "linearity": {k: v for k, v in linear.items() if not k.startswith("ratio_")},
        **{k: v for k, v in linear.items() if k.startswith("ratio_")},
    }
    print(
        f"{args.packages} packages: {figures['packages_per_s']} packages/s; "
        f"{args.big_mb} MB attachment: stream rss +{stream['maxrss_growth_mb']:.1f} MB, "
        f"iterparse rss +{iterparse['maxrss_growth_mb']:.1f} MB; {args.tree_mb} MB: "
        f"tree rss +{tree['maxrss_growth_mb']:.1f} MB; 10x the elements: nested "
        f"x{linear['ratio_nested_10n_over_n']}, wide x{linear['ratio_wide_10n_over_n']} "
        f"the time; a 100k nesting bomb refused in "
        f"{linear['nesting_bomb_100k']['seconds']} s ({linear['nesting_bomb_100k']['reason']})"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
