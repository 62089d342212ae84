"""``eduwh sandbox generate --scale N``: N times the built-in data set, figures counted.

Cheap: the one-stop portal's generator is run for real at 1x and 2x; the e-Office
builder without writing its packages; the schools generator at a small fraction (its
``scale`` multiplies the schools, with their pupils and staff); the wiring of
``generate_builtin`` with the generators stubbed. Scale 1 must stay byte for byte the
built-in data set (the seed report's figures and the determinism tests rely on it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from eduwh.cli import _parser
from eduwh_sandbox import cli as sandbox_cli
from eduwh_sandbox import motcua_dataset, schools_dataset
from eduwh_sandbox.eoffice_dataset.documents import build_documents
from eduwh_sandbox.motcua_dataset.catalogue import AGENCY_CODE

FILES = ("dataset.json", "expected.json", "motcua/thutuc.jsonl", "motcua/hoso.jsonl")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def expected(out: Path) -> dict:
    return json.loads((out / "expected.json").read_text("utf-8"))


def test_motcua_scale_2_doubles_the_dossiers_and_scale_1_is_the_built_in_set(dataset_dir, tmp_path):
    one, two = tmp_path / "x1", tmp_path / "x2"
    motcua_dataset.generate(one, scale=1)
    for name in FILES:  # the session's built-in set was generated without a scale
        assert sha256(one / name) == sha256(dataset_dir / name), name

    motcua_dataset.generate(two, scale=2)
    e1, e2 = expected(one), expected(two)
    assert e2["dossiers"]["received"] == 2 * e1["dossiers"]["received"]
    for key in ("resolved", "in_progress", "received_bcci"):
        assert e2["dossiers"][key] == 2 * e1["dossiers"][key], key
    assert e2["procedures"] == e1["procedures"]  # the catalogue is not multiplied
    assert e2["quarantine"]["motcua_hoso"] == {
        reason: 2 * n for reason, n in e1["quarantine"]["motcua_hoso"].items()
    }
    rows = [json.loads(line) for line in (two / "motcua" / "hoso.jsonl").open(encoding="utf-8")]
    keys = [(r["MaHoSo"], r["NgayCapNhat"]) for r in rows if r.get("MaHoSo")]
    assert len(set(keys)) == len(keys)
    assert all(r["MaHoSo"].startswith(AGENCY_CODE) for r in rows if r.get("MaHoSo"))
    assert (two / "motcua" / "thutuc.jsonl").read_bytes() == (
        one / "motcua" / "thutuc.jsonl"
    ).read_bytes()


def test_eoffice_scale_2_has_about_twice_the_documents():
    def documents(builder) -> dict[str, int]:
        counts = {"den": 0, "di": 0}
        for doc in builder.docs:
            counts[doc.loai] += 1
        return counts

    one = build_documents()
    assert [(d.id, d.subject) for d in one.docs] == [
        (d.id, d.subject) for d in build_documents(scale=1).docs
    ]
    two = build_documents(scale=2)
    c1, c2 = documents(one), documents(two)
    for kind in c1:
        assert 1.9 <= c2[kind] / c1[kind] <= 2.1, (kind, c1, c2)
    assert len({d.id for d in two.docs}) == len(two.docs)


def test_schools_scale_multiplies_schools_pupils_and_staff(tmp_path):
    small = schools_dataset.generate_schools(tmp_path / "a", motcua_dataset.META, scale=0.02)
    double = schools_dataset.generate_schools(tmp_path / "b", motcua_dataset.META, scale=0.04)
    assert 1.6 <= double["schools"]["schools"] / small["schools"]["schools"] <= 2.4
    assert 1.5 <= double["schools"]["students"] / small["schools"]["students"] <= 2.5
    assert 1.5 <= double["staff"] / small["staff"] <= 2.5


def test_generate_builtin_passes_the_scale_and_scale_1_is_unchanged(tmp_path, monkeypatch):
    calls: list[tuple] = []

    def fake_motcua(out, seed=2019, scale=1):
        calls.append(("motcua", scale))
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "expected.json").write_text("{}", "utf-8")

    monkeypatch.setattr(sandbox_cli.motcua_dataset, "generate", fake_motcua)
    monkeypatch.setattr(
        sandbox_cli.eoffice_dataset,
        "add_documents_to_expected",
        lambda out, **options: calls.append(("eoffice", options.get("scale", 1))),
    )
    monkeypatch.setattr(
        sandbox_cli.schools_dataset,
        "generate_schools",
        lambda out, meta, seed=2019, scale=1.0: calls.append(("schools", scale)),
    )
    sandbox_cli.generate_builtin(tmp_path / "a")
    # the schools generator seeds its random numbers with f"...:{scale}": 1.0 as before
    assert calls == [("motcua", 1), ("eoffice", 1), ("schools", 1.0)]
    assert repr(calls[-1][1]) == "1.0"
    calls.clear()
    sandbox_cli.generate_builtin(tmp_path / "b", scale=5)
    assert calls == [("motcua", 5), ("eoffice", 5), ("schools", 5.0)]
    with pytest.raises(ValueError, match="scale"):
        sandbox_cli.generate_builtin(tmp_path / "c", scale=0)
    with pytest.raises(ValueError, match="scale"):
        sandbox_cli.generate_builtin(tmp_path / "d", dataset="quang-ngai-2025", scale=2)


def test_cli_has_a_scale_option_default_1():
    parser = _parser()
    assert parser.parse_args(["sandbox", "generate", "--out", "x"]).scale == 1
    assert parser.parse_args(["sandbox", "generate", "--out", "x", "--scale", "5"]).scale == 5
