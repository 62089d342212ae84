"""The streaming edXML reader on real package files (written by the sandbox generator)."""

from __future__ import annotations

import io
import random
import tracemalloc
from datetime import date, datetime

import pytest

from eduwh.extract.edxml import MalformedPackage, parse_file, parse_package
from eduwh_sandbox.eoffice_dataset.catalogue import AGENCY_BY_CODE, Agency
from eduwh_sandbox.eoffice_dataset.certificates import Certificates
from eduwh_sandbox.eoffice_dataset.figures import QUARANTINE_REASONS
from eduwh_sandbox.eoffice_dataset.packages import NS_GOVN, PackageSpec, write_package


def _spec(**changes) -> PackageSpec:
    own = Agency(
        "000.23.34.H48", "Sở Giáo dục và Đào tạo Quảng Ngãi", "department", "SGDĐT", "Giám đốc"
    )
    ministry = AGENCY_BY_CODE["000.00.00.G22"]
    base = dict(
        sender=ministry,
        recipients=[own, AGENCY_BY_CODE["000.00.31.H48"]],
        code_number="4567",
        code_notation="BGDĐT-GDTrH",
        promulgation=date(2019, 12, 2),
        type_code="CV",
        subject="V/v tổ chức kỳ thi <quốc gia> & tuyển sinh",
        signer_position="Thứ trưởng",
        signer_competence="KT. BỘ TRƯỞNG",
        signer_name="Nguyễn Văn A",
        due=date(2019, 12, 20),
        priority="1",
        hops=[
            ("000.00.00.G22", datetime(2019, 12, 2, 8, 0, 1)),
            ("000.00.00.G01", datetime(2019, 12, 2, 8, 0, 9)),
            ("000.23.34.H48", datetime(2019, 12, 2, 8, 3, 0)),
        ],
        attachments=[("4567-CV.pdf", 12345), ("phu-luc-1.pdf", 1)],
        cert=Certificates(7).for_agency(ministry),
        content_seed="t",
    )
    base.update(changes)
    return PackageSpec(**base)


def _bytes(spec: PackageSpec) -> bytes:
    out = io.BytesIO()
    write_package(out, spec, random.Random(1))
    return out.getvalue()


def test_header_facts():
    facts = parse_package(io.BytesIO(_bytes(_spec())), chunk_size=1000)
    assert facts.sender.organ_id == "000.00.00.G22"
    assert [r.organ_id for r in facts.recipients] == ["000.23.34.H48", "000.00.31.H48"]
    assert facts.document_id == "000.00.00.G22,2019/12/02,4567/BGDĐT-GDTrH"
    assert (facts.code_number, facts.code_notation) == ("4567", "BGDĐT-GDTrH")
    assert facts.promulgation_date == "2019-12-02"
    assert facts.due_date == "2019-12-20"
    assert facts.document_type_name == "Công văn"
    assert facts.signer_position == "Thứ trưởng"
    assert facts.priority == "1"
    assert [h.organ_id for h in facts.trace] == ["000.00.00.G22", "000.00.00.G01", "000.23.34.H48"]
    assert facts.trace[0].timestamp == "2019-12-02T08:00:01+07:00"
    assert facts.signed and facts.signature_digest_count == 1
    assert facts.certificate_subject.startswith("CN=Bộ Giáo dục và Đào tạo")
    assert [(a.name, a.size) for a in facts.attachments] == [
        ("4567-CV.pdf", 12345),
        ("phu-luc-1.pdf", 1),
    ]


@pytest.mark.parametrize(
    "variant",
    [
        {"namespace": NS_GOVN},
        {"root": "EdXMLEnvelope"},
        {"date_format": "%Y/%m/%d"},
        {"wrap": True},
        {"signed": False},
    ],
)
def test_accepted_variants(variant):
    facts = parse_package(io.BytesIO(_bytes(_spec(**variant))))
    assert facts.promulgation_date == "2019-12-02"
    assert facts.attachments[0].size == 12345
    assert facts.signed is (variant != {"signed": False})


@pytest.mark.parametrize(("flaw", "reason"), sorted(QUARANTINE_REASONS.items()))
def test_malformed(flaw, reason):
    with pytest.raises(MalformedPackage) as caught:
        parse_package(io.BytesIO(_bytes(_spec(flaw=flaw))))
    assert caught.value.reason == reason


def test_missing_and_bad_fields():
    text = _bytes(_spec()).decode()
    no_code = text.replace("<edXML:CodeNumber>4567</edXML:CodeNumber>", "")
    with pytest.raises(MalformedPackage, match="missing_header_field:CodeNumber"):
        parse_package(io.BytesIO(no_code.encode()))
    bad_date = text.replace("02/12/2019", "2019-13-45")
    with pytest.raises(MalformedPackage, match="invalid_header_field:PromulgationDate"):
        parse_package(io.BytesIO(bad_date.encode()))
    with pytest.raises(MalformedPackage, match="empty_package"):
        parse_package(io.BytesIO(b""))
    with pytest.raises(MalformedPackage, match="truncated_xml"):
        parse_package(io.BytesIO(b" \n"))
    with pytest.raises(MalformedPackage, match="unknown_namespace"):
        parse_package(io.BytesIO(b"<html><body/></html>"))


def test_memory_stays_flat_on_a_30_mb_attachment(tmp_path):
    size = 30 * 1024 * 1024
    path = tmp_path / "big.edxml"
    with open(path, "wb") as out:
        write_package(out, _spec(attachments=[("big.pdf", size)]), random.Random(2))
    assert path.stat().st_size > size
    tracemalloc.start()
    try:
        facts = parse_file(str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert facts.attachments[0].size == size
    assert peak < 2 * 1024 * 1024, f"peak {peak} bytes while reading a {size} byte attachment"


def test_every_generated_package(eoffice_dataset):
    folder, result = eoffice_dataset
    malformed = {i: r for r, ids in result["planted"]["malformed"].items() for i in ids}
    seen = signed = 0
    for path in sorted((folder / "eoffice" / "edxml").glob("*.edxml")):
        doc_id = int(path.stem)
        try:
            facts = parse_file(str(path))
        except MalformedPackage as error:
            assert malformed.pop(doc_id) == error.reason
            continue
        seen += 1
        signed += facts.signed
        assert facts.attachments and all(a.size > 0 for a in facts.attachments)
    assert not malformed
    assert seen == result["planted"]["packages"] - 4
    assert seen - signed == len(result["planted"]["unsigned_listed_signed"])
