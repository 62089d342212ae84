"""The built-in Quảng Ngãi 2019 data set of e-Office (contracts/eoffice.md).

``generate_eoffice(out_dir, meta, seed=2019)`` writes, in the layout of
contracts/sandbox_dataset.md::

    eoffice/vanban.jsonl        every version of every document (listing fields)
    eoffice/edxml/{id}.edxml    the edXML package of each non-secret document with co_edxml

and returns ``{"documents": {...}, "quarantine": {...}}``: the documents section of
report_figures.md for ``meta["as_of"]``, counted again from the files as written by
``count_documents`` (an independent reading of the contract's figure definitions), and
the packages that a reader must put in quarantine, by reason.

Volumes. The seed report (section 4) cites the Department's own "Công văn số
951/SGDĐT-VP ngày 16/7/2019": 951 outgoing công văn by mid-July, i.e. about 1,800
công văn a year, plus decisions, plans, reports and invitations — about 2,000 outgoing
documents a year. Incoming mail of a provincial Department runs at two to three times its
outgoing (Ministry, provincial People's Committee and its office, the other
Departments, 14 district offices of education, its own schools): about 4,500 a year.
Here: about 18 incoming and 8 outgoing per working day from October 2018 to December
2019.

The seed states that 100 % of non-secret documents sent and received were digitally
signed and went through e-Office over the interconnection axis since 22 July 2019; the
2019 figures are computed, not forced: every 2019 document has a signed package except
ONE incoming document whose package carries no Signature although the listing says
``ky_so = true`` (a quality finding) — 4,000-odd signed out of 4,000-odd + 1 still
rounds to 100.0 %.

What a client must cope with (all deliberate):

- every document is stored once per version (received → assigned → in processing →
  processed; outgoing: sent → received by the recipients), ``cap_nhat_luc`` ISO 8601
  with ``+07:00``;
- secret documents (``do_mat`` mat / toi_mat / tuyet_mat, ~1 %) are listed with every
  field, like the real system lists them; each carries a unique planted marker
  ``MẬT-PLANT-<n>`` in ``trich_yeu``, ``so_ky_hieu`` and ``nguoi_ky`` so that a test can
  prove none of it reaches the warehouse. Some say ``co_edxml = true`` but their package
  never exists (the stand-in answers 404);
- late-2018 documents on paper (``kenh = giay``, no package), received before the
  period; documents dated after the as-of date; receipts refused (``trang_thai 02``,
  no ``ngay_den``);
- packages: both namespaces (the standard's and the wrong ``http://www.go.vn/eDoc``),
  both roots (``edXMLEnvelope``, ``EdXMLEnvelope``), ``PromulgationDate`` written
  ``dd/MM/yyyy`` or ``yyyy/MM/dd``, base64 on one line or wrapped at 76 columns;
- four malformed packages (December 2018, before the period): truncated XML, unknown
  namespace, a header without ``DocumentId``, an attachment that is not base64; and one
  package signed although its listing says ``ky_so = false`` (October 2018).

Signatures have the XML-DSig structure (SignedInfo with CanonicalizationMethod,
SignatureMethod, Reference/DigestValue; SignatureValue; KeyInfo/X509Data with
X509SubjectName and X509Certificate). Certificates are real DER X.509 certificates
issued by a sandbox "CA phục vụ các cơ quan Nhà nước" with fixture RSA keys (PEM files
in ``fixtures/``, written once by ``fixtures/make_signing_keys.py``), so the whole data set
is byte-for-byte repeatable.
DigestValue is the SHA-256 of the MessageHeader as written and SignatureValue a
deterministic stand-in: the structure is real, the signature is not meant to verify.

Attachment sizes: ``sizes="compact"`` (default) keeps the data set around 100 MB
(1-32 KB bodies); ``sizes="realistic"`` gives 50 KB-2 MB PDFs (several GB for a year);
``big=N`` adds N attachments of 20-60 MB to documents dated after the as-of date.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from eduwh_sandbox import dataset as ds
from eduwh_sandbox.dataset import add_working_days, is_working_day

NS_QCVN = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
NS_GOVN = "http://www.go.vn/eDoc"
NS_DSIG = "http://www.w3.org/2000/09/xmldsig#"
VN_TZ = timezone(timedelta(hours=7))
FIRST_DAY = date(2018, 10, 1)
LAST_DAY = date(2019, 12, 31)
SWITCH_DAY = date(2019, 7, 22)  # 951/SGDĐT-VP: everything signed and in e-Office from then
PLANT = "MẬT-PLANT-"

DEFAULT_AGENCY = ("000.23.34.H48", "Sở Giáo dục và Đào tạo Quảng Ngãi")

# --------------------------------------------------------------------------- agencies
# QCVN 102 identifiers (form NNN.NN.NN.XNN). Province H48 = Quảng Ngãi, G22 = the
# Ministry of Education and Training. Identifiers other than the Department's are
# illustrative, in the standard's form.


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    level: str  # ministry | province | department | district | district_office | unit
    short: str  # the notation part, e.g. BGDĐT, UBND, STC
    signer: str  # position of the usual signer


# fmt: off
AGENCIES: tuple[Agency, ...] = (
    Agency("000.00.00.G22", "Bộ Giáo dục và Đào tạo", "ministry", "BGDĐT", "Thứ trưởng"),
    Agency("000.00.12.G22", "Cục Quản lý chất lượng - Bộ Giáo dục và Đào tạo", "ministry", "QLCL", "Cục trưởng"),  # noqa: E501
    Agency("000.00.31.H48", "Ủy ban nhân dân tỉnh Quảng Ngãi", "province", "UBND", "Phó Chủ tịch"),
    Agency("000.00.32.H48", "Văn phòng Ủy ban nhân dân tỉnh Quảng Ngãi", "province", "VP", "Phó Chánh Văn phòng"),  # noqa: E501
    Agency("000.02.34.H48", "Sở Nội vụ tỉnh Quảng Ngãi", "department", "SNV", "Giám đốc"),
    Agency("000.04.34.H48", "Sở Kế hoạch và Đầu tư tỉnh Quảng Ngãi", "department", "SKHĐT", "Phó Giám đốc"),  # noqa: E501
    Agency("000.05.34.H48", "Sở Tài chính tỉnh Quảng Ngãi", "department", "STC", "Phó Giám đốc"),
    Agency("000.15.34.H48", "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ngãi", "department", "SLĐTBXH", "Giám đốc"),  # noqa: E501
    Agency("000.20.34.H48", "Sở Thông tin và Truyền thông tỉnh Quảng Ngãi", "department", "STTTT", "Giám đốc"),  # noqa: E501
    Agency("000.22.34.H48", "Sở Y tế tỉnh Quảng Ngãi", "department", "SYT", "Phó Giám đốc"),
    Agency("000.12.35.H48", "Phòng Giáo dục và Đào tạo thành phố Quảng Ngãi", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.36.H48", "Phòng Giáo dục và Đào tạo huyện Bình Sơn", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.37.H48", "Phòng Giáo dục và Đào tạo huyện Sơn Tịnh", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.38.H48", "Phòng Giáo dục và Đào tạo huyện Tư Nghĩa", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.39.H48", "Phòng Giáo dục và Đào tạo huyện Nghĩa Hành", "district_office", "PGDĐT", "Phó Trưởng phòng"),  # noqa: E501
    Agency("000.12.40.H48", "Phòng Giáo dục và Đào tạo huyện Mộ Đức", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.41.H48", "Phòng Giáo dục và Đào tạo thị xã Đức Phổ", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.42.H48", "Phòng Giáo dục và Đào tạo huyện Ba Tơ", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.12.47.H48", "Phòng Giáo dục và Đào tạo huyện Lý Sơn", "district_office", "PGDĐT", "Trưởng phòng"),  # noqa: E501
    Agency("000.00.36.H48", "Ủy ban nhân dân huyện Bình Sơn", "district", "UBND", "Chủ tịch"),
    Agency("000.00.42.H48", "Ủy ban nhân dân huyện Ba Tơ", "district", "UBND", "Phó Chủ tịch"),
    Agency("001.23.34.H48", "Trường THPT chuyên Lê Khiết", "unit", "THPTLK", "Hiệu trưởng"),
    Agency("002.23.34.H48", "Trường THPT Trần Quốc Tuấn", "unit", "THPTTQT", "Hiệu trưởng"),
    Agency("003.23.34.H48", "Trường THPT Bình Sơn", "unit", "THPTBS", "Hiệu trưởng"),
    Agency("004.23.34.H48", "Trường Phổ thông Dân tộc nội trú tỉnh", "unit", "PTDTNT", "Hiệu trưởng"),  # noqa: E501
    Agency("005.23.34.H48", "Trung tâm Giáo dục thường xuyên tỉnh", "unit", "TTGDTX", "Giám đốc"),
)
# fmt: on
AGENCY_BY_CODE = {a.code: a for a in AGENCIES}
# Who writes to the Department, relative weights.
SENDER_WEIGHTS = {
    "ministry": 22,
    "province": 30,
    "department": 16,
    "district_office": 14,
    "district": 4,
    "unit": 14,
}
AXIS_HUBS = ("000.00.00.G01", "000.00.31.H48")  # national axis (VPCP), provincial axis

DEPARTMENTS = {  # phòng of the Sở and the notation suffix of their công văn
    "VP": "Văn phòng Sở",
    "GDTrH": "Phòng Giáo dục Trung học",
    "GDMNTH": "Phòng Giáo dục Mầm non - Tiểu học",
    "GDTX": "Phòng Giáo dục Thường xuyên - Chuyên nghiệp",
    "KTKĐ": "Phòng Khảo thí và Kiểm định chất lượng giáo dục",
    "TCCB": "Phòng Tổ chức cán bộ",
    "KHTC": "Phòng Kế hoạch - Tài chính",
    "TTr": "Thanh tra Sở",
}
DEPT_WEIGHTS = {
    "VP": 18,
    "GDTrH": 22,
    "GDMNTH": 14,
    "GDTX": 8,
    "KTKĐ": 10,
    "TCCB": 12,
    "KHTC": 11,
    "TTr": 5,
}

# Type code (listing) -> (QCVN Type 1 legal / 2 administrative, TypeDetail, name, weight in, out)
DOCUMENT_TYPES: dict[str, tuple[str, str, str, int, int]] = {
    "CV": ("2", "24", "Công văn", 58, 62),
    "QD": ("2", "1", "Quyết định", 10, 12),
    "BC": ("2", "11", "Báo cáo", 6, 8),
    "KH": ("2", "8", "Kế hoạch", 6, 6),
    "TTr": ("2", "13", "Tờ trình", 2, 3),
    "TB": ("2", "6", "Thông báo", 7, 4),
    "GM": ("2", "26", "Giấy mời", 7, 4),
    "HD": ("2", "5", "Hướng dẫn", 2, 1),
    "CT": ("1", "3", "Chỉ thị", 1, 0),
    "K": ("2", "99", "Văn bản khác", 1, 0),
}
URGENCY = {"thuong": ("0", 86), "khan": ("1", 10), "thuong_khan": ("2", 3), "hoa_toc": ("3", 1)}
SUBJECTS = (
    "V/v triển khai nhiệm vụ năm học {sy}",
    "V/v tổ chức kỳ thi chọn học sinh giỏi cấp tỉnh năm học {sy}",
    "V/v báo cáo số liệu thống kê giáo dục đầu năm học {sy}",
    "V/v hướng dẫn thực hiện chương trình giáo dục phổ thông",
    "V/v tăng cường công tác phòng, chống dịch bệnh trong trường học",
    "V/v tổ chức Kỳ thi trung học phổ thông quốc gia năm {y}",
    "V/v góp ý dự thảo văn bản quy phạm pháp luật",
    "V/v cử cán bộ tham dự tập huấn ứng dụng công nghệ thông tin",
    "V/v thực hiện chế độ chính sách đối với giáo viên",
    "V/v kiểm tra công tác tuyển sinh vào lớp 10 năm học {sy}",
    "V/v đánh giá, xếp loại chuẩn hiệu trưởng năm học {sy}",
    "V/v cập nhật dữ liệu lên Cơ sở dữ liệu ngành giáo dục",
    "V/v gửi, nhận văn bản điện tử có ký số trên trục liên thông",
    "V/v thực hiện dự toán ngân sách năm {y}",
    "V/v tổ chức các hoạt động chào mừng ngày Nhà giáo Việt Nam 20/11",
    "V/v công tác an toàn giao thông cho học sinh",
)
SIGNERS = (
    "Nguyễn Văn Hùng",
    "Trần Thị Thu Hà",
    "Lê Quang Minh",
    "Phạm Đức Thắng",
    "Võ Thị Kim Oanh",
    "Huỳnh Tấn Lộc",
    "Đặng Ngọc Sơn",
    "Bùi Thị Hồng Nhung",
)
OWN_SIGNERS = (
    ("Giám đốc", "GIÁM ĐỐC"),
    ("Phó Giám đốc", "KT. GIÁM ĐỐC"),
    ("Phó Giám đốc", "KT. GIÁM ĐỐC"),
    ("Chánh Văn phòng", "TL. GIÁM ĐỐC"),
)


# ------------------------------------------------------------------------- certificates

FIXTURES = "fixtures"  # next to this module: the PEM keys of fixtures/make_signing_keys.py


@functools.lru_cache(maxsize=8)
def signing_key(name: str):
    """A fixture RSA private key (``ca`` or ``signer-<n>``), read from its PEM file."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    pem = resources.files("eduwh_sandbox").joinpath(FIXTURES, f"{name}.key.pem").read_bytes()
    return load_pem_private_key(pem, password=None)


class Certificates:
    """One sandbox CA and a signing certificate per agency (DER, base64), all repeatable."""

    def __init__(self, seed: int):
        self.seed = seed
        self._ca_key = signing_key("ca")
        self._keys = [signing_key(f"signer-{i}") for i in range(3)]
        self._cache: dict[str, tuple[str, str]] = {}
        self.ca_name = self._name(
            "CA phục vụ các cơ quan Nhà nước", "Ban Cơ yếu Chính phủ", "Hà Nội"
        )

    @staticmethod
    def _name(cn: str, org: str, locality: str):
        from cryptography import x509
        from cryptography.x509.oid import NameOID

        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.LOCALITY_NAME, locality),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                x509.NameAttribute(NameOID.COMMON_NAME, cn.encode()[:64].decode("utf-8", "ignore")),
            ]
        )

    def for_agency(self, agency: Agency) -> tuple[str, str]:
        """(base64 DER certificate, RFC 4514 subject) of the agency's signing certificate."""
        hit = self._cache.get(agency.code)
        if hit:
            return hit
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization

        subject = self._name(
            agency.name, agency.name, "Hà Nội" if agency.level == "ministry" else "Quảng Ngãi"
        )
        key = self._keys[int(hashlib.sha256(agency.code.encode()).hexdigest(), 16) % 3]
        serial = int(hashlib.sha256(f"{self.seed}:{agency.code}".encode()).hexdigest()[:30], 16)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.ca_name)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(datetime(2018, 1, 1, tzinfo=UTC))
            .not_valid_after(datetime(2023, 1, 1, tzinfo=UTC))
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self._ca_key, hashes.SHA256())
        )
        der = cert.public_bytes(serialization.Encoding.DER)
        hit = (base64.b64encode(der).decode("ascii"), subject.rfc4514_string())
        self._cache[agency.code] = hit
        return hit


# --------------------------------------------------------------------------- packages


@dataclass
class PackageSpec:
    """What one edXML package says (the generator's own view, not a reader's)."""

    sender: Agency
    recipients: list[Agency]
    code_number: str
    code_notation: str
    promulgation: date
    type_code: str
    subject: str
    signer_position: str
    signer_competence: str
    signer_name: str
    due: date | None
    priority: str
    hops: list[tuple[str, datetime]]
    attachments: list[tuple[str, int]]  # (name, decoded size)
    namespace: str = NS_QCVN
    root: str = "edXMLEnvelope"
    date_format: str = "%d/%m/%Y"
    wrap: bool = False
    signed: bool = True
    flaw: str | None = None  # truncated_xml | unknown_namespace | missing_document_id | bad_base64
    cert: tuple[str, str] | None = None  # (base64 DER, subject)
    content_seed: str = ""


def _t(tag: str, value: Any) -> str:
    return f"<edXML:{tag}>{escape(str(value)) if value is not None else ''}</edXML:{tag}>"


def _organ(tag: str, a: Agency) -> str:
    parts = [
        _t("OrganId", a.code),
        _t("OrganizationInCharge", a.name),
        _t("OrganName", a.name),
        _t("OrganAdd", "Quảng Ngãi"),
        _t("Email", f"vanthu.{a.short.lower()}@quangngai.gov.vn"),
        _t("Telephone", ""),
        _t("Fax", ""),
        _t("Website", ""),
    ]
    return f"<edXML:{tag}>" + "".join(parts) + f"</edXML:{tag}>"


def _b64_chunks(rng: random.Random, size: int, wrap: bool, chunk: int = 3 * 1024 * 256):
    """Base64 of ``size`` pseudo-random bytes (a PDF header first), in pieces."""
    head = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    done = 0
    carry = b""
    while done < size:
        n = min(chunk, size - done)
        block = (
            (head + rng.randbytes(n - len(head)))
            if done == 0 and n > len(head)
            else rng.randbytes(n)
        )
        done += n
        data = carry + block
        usable = len(data) - len(data) % 3 if done < size else len(data)
        carry = data[usable:]
        text = base64.b64encode(data[:usable])
        if wrap:
            text = b"\r\n".join(text[i : i + 76] for i in range(0, len(text), 76)) + b"\r\n"
        yield text


def write_package(out: IO[bytes], spec: PackageSpec, rng: random.Random) -> None:
    """Write one edXML package to a binary stream, attachments streamed."""
    ns = NS_GOVN if spec.flaw is None and spec.namespace == NS_GOVN else spec.namespace
    if spec.flaw == "unknown_namespace":
        ns = "http://example.org/edoc/v1"
    prom = spec.promulgation.strftime(spec.date_format)
    doc_id = (
        f"{spec.sender.code},{spec.promulgation:%Y/%m/%d},{spec.code_number}/{spec.code_notation}"
    )
    type_q, type_detail, type_name, _, _ = DOCUMENT_TYPES[spec.type_code]
    header = ["<edXML:MessageHeader>", _organ("From", spec.sender)]
    header += [_organ("To", r) for r in spec.recipients]
    if spec.flaw != "missing_document_id":
        header.append(_t("DocumentId", doc_id))
    header += [
        "<edXML:Code>"
        + _t("CodeNumber", spec.code_number)
        + _t("CodeNotation", spec.code_notation)
        + "</edXML:Code>",
        "<edXML:PromulgationInfo>"
        + _t("Place", "Quảng Ngãi")
        + _t("PromulgationDate", prom)
        + "</edXML:PromulgationInfo>",
        "<edXML:DocumentType>"
        + _t("Type", type_q)
        + _t("TypeDetail", type_detail)
        + _t("TypeName", type_name)
        + "</edXML:DocumentType>",
        _t("Subject", spec.subject),
        _t("Content", spec.subject + "."),
        "<edXML:SignerInfo>"
        + _t("Competence", spec.signer_competence)
        + _t("Position", spec.signer_position)
        + _t("FullName", spec.signer_name)
        + "</edXML:SignerInfo>",
        _t("DueDate", spec.due.strftime(spec.date_format) if spec.due else ""),
        "<edXML:OtherInfo>"
        + _t("Priority", spec.priority)
        + _t("SphereOfPromulgation", "Liên thông văn bản quốc gia")
        + _t("TyperNotation", "VT")
        + _t("PromulgationAmount", 1)
        + _t("PageAmount", 1 + rng.randrange(4))
        + _t("Appendixes", "")
        + "</edXML:OtherInfo>",
        _t("SteeringType", "0"),
        "<edXML:ToPlaces>"
        + "".join(_t("Place", r.name) for r in spec.recipients)
        + "</edXML:ToPlaces>",
        "</edXML:MessageHeader>",
    ]
    message_header = "".join(header)
    trace = ["<edXML:TraceHeaderList>"]
    for organ, moment in spec.hops:
        trace.append(
            "<edXML:TraceHeader>"
            + _t("OrganId", organ)
            + _t("Timestamp", moment.strftime("%Y/%m/%d %H:%M:%S"))
            + "</edXML:TraceHeader>"
        )
    trace.append(
        "<edXML:Bussiness>"
        + _t("BussinessDocType", "0")
        + _t("BussinessDocReason", "")
        + _t("Paper", "0")
        + "<edXML:StaffInfo>"
        + _t("Department", "Văn thư")
        + _t("Staff", "Văn thư")
        + _t("Mobile", "")
        + _t("Email", "")
        + "</edXML:StaffInfo>"
        + "</edXML:Bussiness></edXML:TraceHeaderList>"
    )
    signature = ""
    if spec.signed and spec.cert:
        digest = base64.b64encode(hashlib.sha256(message_header.encode()).digest()).decode()
        sig_bytes = hashlib.shake_256(f"{spec.content_seed}:{digest}".encode()).digest(256)
        cert_b64, subject = spec.cert
        signature = (
            f'<Signature xmlns="{NS_DSIG}"><SignedInfo>'
            '<CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>'
            '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
            '<Reference URI=""><Transforms><Transform Algorithm='
            '"http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms>'
            '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>'
            f"<DigestValue>{digest}</DigestValue></Reference></SignedInfo>"
            f"<SignatureValue>{base64.b64encode(sig_bytes).decode()}</SignatureValue>"
            f"<KeyInfo><X509Data><X509SubjectName>{escape(subject)}</X509SubjectName>"
            f"<X509Certificate>{cert_b64}</X509Certificate></X509Data></KeyInfo></Signature>"
        )
    manifest = ["<edXML:edXMLBody><edXML:edXMLManifest>"]
    for i, (name, _) in enumerate(spec.attachments, 1):
        manifest.append(
            "<edXML:Reference>"
            + _t("ContentId", f"cid:att{i}")
            + _t("ContentType", "application/pdf")
            + _t("Description", "Văn bản" if i == 1 else "Phụ lục")
            + _t("AttachmentName", name)
            + "</edXML:Reference>"
        )
    manifest.append("</edXML:edXMLManifest></edXML:edXMLBody>")
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<edXML:{spec.root} xmlns:edXML="{ns}">'
        "<edXML:edXMLHeader>"
        + message_header
        + "".join(trace)
        + signature
        + "</edXML:edXMLHeader>"
        + "".join(manifest)
        + "<edXML:AttachmentEncoded>"
    )
    out.write(head.encode("utf-8"))
    for i, (name, size) in enumerate(spec.attachments, 1):
        out.write(
            (
                "<edXML:Attachment>"
                + _t("ContentId", f"cid:att{i}")
                + _t("AttachmentName", name)
                + _t("ContentType", "application/pdf")
                + "<edXML:ContentTransferEncoded>"
            ).encode("utf-8")
        )
        for piece in _b64_chunks(rng, size, spec.wrap):
            if spec.flaw == "bad_base64" and i == 1:
                piece = piece[: len(piece) // 2] + b"%%not*base64%%" + piece[len(piece) // 2 :]
            out.write(piece)
            if spec.flaw == "truncated_xml":
                return  # the sender's upload stopped mid-attachment
        out.write(b"</edXML:ContentTransferEncoded></edXML:Attachment>")
    out.write(f"</edXML:AttachmentEncoded></edXML:{spec.root}>\n".encode())


# --------------------------------------------------------------------------- documents


@dataclass
class Doc:
    id: int
    loai: str  # den | di
    day: date  # ngay_den (incoming) or ngay_ban_hanh (outgoing)
    type_code: str
    sender: Agency
    recipients: list[Agency]
    promulgation: date
    number: int
    notation: str
    subject: str
    signer: str
    signer_position: str
    signer_competence: str
    do_mat: str = "thuong"
    do_khan: str = "thuong"
    kenh: str = "truc_lien_thong"
    ky_so: bool = True
    co_edxml: bool = True
    due: date | None = None
    done: date | None = None
    department: str = "VP"
    refused: bool = False
    so_den: int | None = None
    package: PackageSpec | None = None
    versions: list[tuple[datetime, str, date | None]] = field(default_factory=list)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _at(rng: random.Random, d: date, lo: int = 7, hi: int = 16) -> datetime:
    return datetime.combine(d, time(rng.randint(lo, hi), rng.randint(0, 59), rng.randint(0, 59)))


class _Builder:
    def __init__(self, seed: int, agency: tuple[str, str], sizes: str, big: int, scale: int = 1):
        self.rng = random.Random(f"eoffice:{seed}")
        self.scale = scale  # documents a working day: scale times the built-in volume
        self.seed = seed
        code, name = agency
        self.own = Agency(code, name, "department", "SGDĐT", "Giám đốc")
        self.sizes = sizes
        self.big = big
        self.docs: list[Doc] = []
        self.numbers: Counter[tuple[int, str]] = Counter()  # (year, sequence) -> last number
        self.so_den: Counter[int] = Counter()
        self.secret_n = 0

    def _number(self, year: int, sender: str, type_code: str) -> int:
        key = (year, sender + ("CV" if type_code == "CV" else type_code))
        if year == FIRST_DAY.year and key not in self.numbers:  # the register is not new
            yearly = 1800 if type_code == "CV" else 60
            self.numbers[key] = int(yearly * 0.74) if sender == self.own.code else 0
        self.numbers[key] += 1 + (self.rng.randrange(40) if sender != self.own.code else 0)
        return self.numbers[key]

    def _size(self) -> int:
        rng = self.rng
        if self.sizes == "realistic":
            return int(min(2 * 1024 * 1024, max(50 * 1024, rng.lognormvariate(12.4, 0.8))))
        return int(min(32 * 1024, max(1024, rng.lognormvariate(8.1, 0.6))))

    def build(self) -> None:
        rng = self.rng
        d = FIRST_DAY
        while d <= LAST_DAY:
            if is_working_day(d):
                for _ in range(max(0, round(rng.gauss(18, 5))) * self.scale):
                    self.incoming(d)
                for _ in range(max(0, round(rng.gauss(8, 3))) * self.scale):
                    self.outgoing(d)
            d += timedelta(days=1)
        for i, doc in enumerate(sorted(self.docs, key=lambda x: (x.day, x.loai, x.number))):
            doc.id = 190000 + i + 1
        self.plant_flaws()
        for doc in self.docs:
            self.lifecycle(doc)

    def _common(self, doc: Doc) -> None:
        rng = self.rng
        r = rng.random()
        if r < 0.012:
            self.secret_n += 1
            doc.do_mat = rng.choice(("mat", "mat", "mat", "toi_mat", "tuyet_mat"))
            plant = f"{PLANT}{self.secret_n:04d}"
            doc.subject = f"{plant} {doc.subject}"
            doc.notation = f"{plant}/{doc.notation}"
            doc.signer = f"{plant} {doc.signer}"
            doc.co_edxml = rng.random() < 0.5  # listed as if; never exists
        doc.do_khan = _weighted(rng, {k: v[1] for k, v in URGENCY.items()})
        if doc.day < SWITCH_DAY and doc.day.year == 2018 and rng.random() < 0.25:
            doc.kenh, doc.ky_so, doc.co_edxml = "giay", False, False
        elif rng.random() < 0.07:
            doc.kenh = "thu_dien_tu"

    def incoming(self, d: date) -> None:
        rng = self.rng
        level = _weighted(rng, SENDER_WEIGHTS)
        sender = rng.choice([a for a in AGENCIES if a.level == level])
        type_code = _weighted(rng, {k: v[3] for k, v in DOCUMENT_TYPES.items()})
        prom = d - timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5)))
        number = self._number(prom.year, sender.code, type_code)
        notation = (
            f"{sender.short}-{rng.choice(('VP', 'KHTC', 'GDTrH', 'TCCB', 'HCTC'))}"
            if type_code == "CV"
            else f"{type_code}-{sender.short}"
        )
        sy = "2019-2020" if d >= date(2019, 8, 1) else "2018-2019"
        doc = Doc(
            0,
            "den",
            d,
            type_code,
            sender,
            [self.own],
            prom,
            number,
            notation,
            rng.choice(SUBJECTS).format(sy=sy, y=d.year),
            rng.choice(SIGNERS),
            sender.signer,
            "KT. " + sender.signer.upper() if "Phó" in sender.signer else sender.signer.upper(),
            department=_weighted(rng, DEPT_WEIGHTS),
        )
        self._common(doc)
        if rng.random() < 0.45:  # a deadline set on assignment
            doc.due = add_working_days(d, rng.choice((2, 3, 5, 5, 7, 10, 15)))
            late = rng.random() < 0.05
            doc.done = (
                add_working_days(doc.due, rng.randint(1, 6))
                if late
                else add_working_days(d, rng.randint(0, max(0, (doc.due - d).days // 2)))
            )
            doc.done = min(doc.done, doc.due) if not late else doc.done
        else:
            doc.done = add_working_days(d, rng.randint(1, 12))
        if rng.random() < 0.004:
            doc.refused = True
        self.docs.append(doc)

    def outgoing(self, d: date) -> None:
        rng = self.rng
        type_code = _weighted(rng, {k: v[4] for k, v in DOCUMENT_TYPES.items()})
        dept = _weighted(rng, DEPT_WEIGHTS)
        number = self._number(d.year, self.own.code, type_code)
        notation = f"SGDĐT-{dept}" if type_code == "CV" else f"{type_code}-SGDĐT"
        n_to = rng.choice((1, 1, 2, 3, 5, 14))
        pool = [
            a
            for a in AGENCIES
            if a.level in ("province", "district_office", "unit", "ministry", "department")
        ]
        recipients = sorted(rng.sample(pool, min(n_to, len(pool))), key=lambda a: a.code)
        position, competence = rng.choice(OWN_SIGNERS)
        sy = "2019-2020" if d >= date(2019, 8, 1) else "2018-2019"
        doc = Doc(
            0,
            "di",
            d,
            type_code,
            self.own,
            recipients,
            d,
            number,
            notation,
            rng.choice(SUBJECTS).format(sy=sy, y=d.year),
            rng.choice(SIGNERS),
            position,
            competence,
            department=dept,
        )
        self._common(doc)
        if rng.random() < 0.1:
            doc.due = add_working_days(d, rng.choice((5, 10, 15)))
            doc.done = add_working_days(d, rng.randint(1, 8))
        else:
            doc.done = None
        self.docs.append(doc)

    def plant_flaws(self) -> None:
        """Malformed packages (Dec 2018), a package signed against ky_so=false (Oct 2018),
        one unsigned package with ky_so=true (2019, counted as unsigned)."""
        ok = [
            d
            for d in self.docs
            if d.do_mat == "thuong" and d.co_edxml and not d.refused and d.loai == "den"
        ]
        dec18 = [d for d in ok if date(2018, 12, 3) <= d.day <= date(2018, 12, 20)]
        for doc, flaw in zip(
            dec18[::37],
            ("truncated_xml", "unknown_namespace", "missing_document_id", "bad_base64"),
            strict=False,
        ):
            doc.package = self.spec(doc, flaw=flaw)
        oct18 = [d for d in ok if d.day.month == 10 and d.day.year == 2018 and d.package is None]
        oct18[5].ky_so = False
        oct18[5].package = self.spec(oct18[5], signed=True)
        y19 = [
            d for d in ok if date(2019, 9, 1) <= d.day <= date(2019, 11, 29) and d.package is None
        ]
        unsigned = y19[len(y19) // 2]
        unsigned.package = self.spec(unsigned, signed=False)
        late = [d for d in ok if d.day > date(2019, 12, 10) and d.package is None]
        for doc in late[: self.big]:
            doc.package = self.spec(doc, big=True)

    def spec(
        self, doc: Doc, flaw: str | None = None, signed: bool | None = None, big: bool = False
    ) -> PackageSpec:
        rng = self.rng
        sender = doc.sender
        at = _at(rng, doc.promulgation, 8, 16)
        hops = [(sender.code, at)]
        if sender.level == "ministry" or any(r.level == "ministry" for r in doc.recipients):
            hops.append((AXIS_HUBS[0], at + timedelta(seconds=rng.randint(2, 90))))
        hops.append((AXIS_HUBS[1], hops[-1][1] + timedelta(seconds=rng.randint(2, 120))))
        receiver = self.own if doc.loai == "den" else doc.recipients[0]
        hops.append((receiver.code, hops[-1][1] + timedelta(seconds=rng.randint(5, 600))))
        n_att = rng.choice((1, 1, 1, 1, 2, 2, 3))
        attachments = [
            (f"{doc.number}-{doc.type_code}.pdf" if i == 0 else f"phu-luc-{i}.pdf", self._size())
            for i in range(n_att)
        ]
        if big:
            attachments[0] = (attachments[0][0], rng.randint(20, 60) * 1024 * 1024)
        position = doc.signer_position
        return PackageSpec(
            sender=sender,
            recipients=doc.recipients,
            code_number=str(doc.number),
            code_notation=doc.notation,
            promulgation=doc.promulgation,
            type_code=doc.type_code,
            subject=doc.subject,
            signer_position=position,
            signer_competence=doc.signer_competence,
            signer_name=doc.signer,
            due=doc.due,
            priority=URGENCY[doc.do_khan][0],
            hops=hops,
            attachments=attachments,
            namespace=NS_GOVN if rng.random() < 0.04 else NS_QCVN,
            root="EdXMLEnvelope" if rng.random() < 0.03 else "edXMLEnvelope",
            date_format="%Y/%m/%d" if rng.random() < 0.3 else "%d/%m/%Y",
            wrap=rng.random() < 0.2,
            signed=doc.ky_so if signed is None else signed,
            flaw=flaw,
            content_seed=f"{self.seed}:{doc.id}",
        )

    def lifecycle(self, doc: Doc) -> None:
        rng = self.rng
        if doc.do_mat == "thuong" and doc.co_edxml and doc.package is None:
            doc.package = self.spec(doc)
        if doc.package is not None and doc.kenh == "giay":
            doc.kenh = "truc_lien_thong"
        if doc.loai == "den":
            if doc.day.year == FIRST_DAY.year and not self.so_den[doc.day.year]:
                self.so_den[doc.day.year] = 3350  # the incoming register before October
            self.so_den[doc.day.year] += 1
            doc.so_den = self.so_den[doc.day.year]
            t0 = _at(rng, doc.day, 7, 15)
            if doc.refused:
                doc.versions = [
                    (t0, "01", None),
                    (t0 + timedelta(minutes=rng.randint(5, 90)), "02", None),
                ]
                doc.so_den = None
                return
            t1 = t0 + timedelta(minutes=rng.randint(10, 240))
            doc.versions = [(t0, "03", None), (t1, "04", None)]
            if doc.done is not None:
                mid = doc.day + (doc.done - doc.day) / 2
                t2 = max(_at(rng, mid), t1 + timedelta(minutes=5))
                doc.versions.append((t2, "05", None))
                t3 = max(_at(rng, doc.done, 13, 17), t2 + timedelta(minutes=5))
                doc.versions.append((t3, "06", doc.done))
        else:
            t0 = _at(rng, doc.day, 8, 16)
            t1 = t0 + timedelta(minutes=rng.randint(3, 300))
            doc.versions = [(t0, "01", None), (t1, "03", None)]
            if doc.done is not None:
                t2 = max(_at(rng, doc.done, 13, 17), t1 + timedelta(minutes=5))
                doc.versions.append((t2, "06", doc.done))

    def records(self, doc: Doc) -> list[dict[str, Any]]:
        out = []
        for moment, status, done in doc.versions:
            out.append(
                {
                    "id": doc.id,
                    "loai": doc.loai,
                    "so_ky_hieu": f"{doc.number}/{doc.notation}",
                    "so_den": doc.so_den if doc.loai == "den" else None,
                    "loai_van_ban": doc.type_code,
                    "trich_yeu": doc.subject,
                    "ngay_ban_hanh": doc.promulgation.isoformat(),
                    "ngay_den": doc.day.isoformat()
                    if doc.loai == "den" and not doc.refused
                    else None,
                    "co_quan_ban_hanh": {"ma_dinh_danh": doc.sender.code, "ten": doc.sender.name},
                    "noi_nhan": [{"ma_dinh_danh": r.code, "ten": r.name} for r in doc.recipients]
                    if doc.loai == "di"
                    else [],
                    "nguoi_ky": doc.signer,
                    "do_mat": doc.do_mat,
                    "do_khan": doc.do_khan,
                    "ky_so": doc.ky_so,
                    "kenh": doc.kenh,
                    "han_xu_ly": doc.due.isoformat() if doc.due else None,
                    "ngay_hoan_thanh": done.isoformat() if done else None,
                    "phong_xu_ly": DEPARTMENTS[doc.department],
                    "trang_thai": status,
                    "cap_nhat_luc": moment.replace(tzinfo=VN_TZ).isoformat(),
                    "co_edxml": doc.co_edxml,
                }
            )
        return out


# ------------------------------------------------------------------- independent count

DOCUMENT_KEYS = (
    "incoming",
    "outgoing",
    "secret_excluded",
    "incoming_signed",
    "outgoing_signed",
    "pct_incoming_signed",
    "pct_outgoing_signed",
    "via_axis",
    "processed_on_time",
)


def count_documents(
    versions: Iterable[dict[str, Any]],
    signed_ids: set[int],
    as_of: date | str,
    known_at: datetime | None = None,
) -> dict[str, Any]:
    """The documents section of report_figures.md counted straight from listing versions.

    ``signed_ids``: documents whose package carries an XML-DSig Signature (and can be
    read). ``known_at`` ignores versions changed after it (aware datetime).
    """
    as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    start = date(as_of.year, 1, 1)
    latest: dict[int, tuple[datetime, dict[str, Any]]] = {}
    for rec in versions:
        t = datetime.fromisoformat(rec["cap_nhat_luc"])
        if known_at is not None and t > known_at:
            continue
        if rec["id"] not in latest or t > latest[rec["id"]][0]:
            latest[rec["id"]] = (t, rec)
    c: Counter[str] = Counter()
    for _, rec in latest.values():
        day_text = rec["ngay_den"] if rec["loai"] == "den" else rec["ngay_ban_hanh"]
        if not day_text:
            continue
        day = date.fromisoformat(day_text)
        if not start <= day <= as_of:
            continue
        if rec["do_mat"] != "thuong":
            c["secret_excluded"] += 1
            continue
        kind = "incoming" if rec["loai"] == "den" else "outgoing"
        c[kind] += 1
        if rec["id"] in signed_ids:
            c[kind + "_signed"] += 1
        if rec["kenh"] == "truc_lien_thong":
            c["via_axis"] += 1
        due, done = rec.get("han_xu_ly"), rec.get("ngay_hoan_thanh")
        if due and done and date.fromisoformat(done) <= min(date.fromisoformat(due), as_of):
            c["processed_on_time"] += 1
    out = {
        k: c[k]
        for k in ("incoming", "outgoing", "secret_excluded", "incoming_signed", "outgoing_signed")
    }
    out["pct_incoming_signed"] = ds.pct(out["incoming_signed"], out["incoming"])
    out["pct_outgoing_signed"] = ds.pct(out["outgoing_signed"], out["outgoing"])
    out["via_axis"] = c["via_axis"]
    out["processed_on_time"] = c["processed_on_time"]
    return out


QUARANTINE_REASONS = {  # the planted flaw -> the reason a reader must give
    "truncated_xml": "truncated_xml",
    "unknown_namespace": "unknown_namespace",
    "missing_document_id": "missing_header_field:DocumentId",
    "bad_base64": "undecodable_attachment",
}


def _seed_targets(figures: dict[str, Any]) -> None:
    """The seed report: 100 % of non-secret documents signed (one decimal)."""
    wrong = [k for k in ("pct_incoming_signed", "pct_outgoing_signed") if figures[k] != 100.0]
    if wrong:
        raise AssertionError(f"e-Office data set does not give the seed's 100 %: {figures}")


def build_documents(
    seed: int = 2019,
    agency: tuple[str, str] = DEFAULT_AGENCY,
    sizes: str = "compact",
    big: int = 0,
    scale: int = 1,
) -> _Builder:
    b = _Builder(seed, agency, sizes, big, scale)
    b.build()
    return b


def generate_eoffice(
    out_dir: Path,
    meta: dict[str, Any] | None = None,
    seed: int = 2019,
    *,
    sizes: str = "compact",
    big: int = 0,
    scale: int = 1,
) -> dict[str, Any]:
    """Write ``eoffice/`` into ``out_dir``; return ``{"documents", "quarantine", "planted"}``.

    ``scale``: documents a working day ``scale`` times the built-in volume (the seed
    report's 100 % signed is checked at scale 1 only).

    ``meta`` is dataset.json's content (agency, as_of); ``planted`` lists what tests need:
    the secret markers, the malformed packages' ids by reason, the unsigned and the
    signed-against-listing ids. Nothing else in ``out_dir`` is touched.
    """
    out_dir = Path(out_dir)
    meta = meta or {}
    agency = meta.get("agency") or {}
    own = (agency.get("code") or DEFAULT_AGENCY[0], agency.get("name") or DEFAULT_AGENCY[1])
    as_of = date.fromisoformat(meta.get("as_of") or "2019-12-06")
    b = build_documents(seed, own, sizes, big, scale)
    certs = Certificates(seed)
    folder = out_dir / "eoffice"
    pkg_dir = folder / "edxml"
    pkg_dir.mkdir(parents=True, exist_ok=True)
    for old in pkg_dir.glob("*.edxml"):
        old.unlink()
    records: list[dict[str, Any]] = []
    signed_ids: set[int] = set()
    flaws: dict[str, list[int]] = {}
    for doc in b.docs:
        records.extend(b.records(doc))
        spec = doc.package
        if spec is None:
            continue
        if doc.do_mat != "thuong":
            raise AssertionError("a secret document got a package")
        spec.content_seed = f"{seed}:{doc.id}"
        spec.cert = certs.for_agency(spec.sender)
        with open(pkg_dir / f"{doc.id}.edxml", "wb") as out:
            write_package(out, spec, random.Random(f"eoffice-body:{seed}:{doc.id}"))
        if spec.flaw:
            flaws.setdefault(QUARANTINE_REASONS[spec.flaw], []).append(doc.id)
        elif spec.signed:
            signed_ids.add(doc.id)
    records.sort(key=lambda r: (r["cap_nhat_luc"], r["id"]))
    ds.write_jsonl(folder / "vanban.jsonl", records)

    written = ds.read_jsonl(folder / "vanban.jsonl")
    figures = count_documents(written, signed_ids, as_of)
    clock = datetime.combine(as_of, time(23, 59, 59), tzinfo=VN_TZ)
    if count_documents(written, signed_ids, as_of, known_at=clock) != figures:
        raise AssertionError("document figures differ between the as-of state and the final one")
    if meta.get("as_of", "2019-12-06") == "2019-12-06" and own == DEFAULT_AGENCY and scale == 1:
        _seed_targets(figures)
    secret = sorted({r["trich_yeu"].split()[0] for r in written if r["do_mat"] != "thuong"})
    unsigned = [
        d.id
        for d in b.docs
        if d.package and not d.package.signed and d.ky_so and not d.package.flaw
    ]
    signed_not_listed = [
        d.id
        for d in b.docs
        if d.package and d.package.signed and not d.ky_so and not d.package.flaw
    ]
    return {
        "documents": figures,
        "quarantine": {"eoffice_edxml": {k: len(v) for k, v in sorted(flaws.items())}},
        "planted": {
            "secret_markers": secret,
            "secret_ids": sorted({r["id"] for r in written if r["do_mat"] != "thuong"}),
            "malformed": flaws,
            "unsigned_listed_signed": unsigned,
            "signed_listed_unsigned": signed_not_listed,
            "packages": sum(1 for d in b.docs if d.package is not None),
            "versions": len(written),
        },
    }


def add_documents_to_expected(out_dir: Path, seed: int = 2019, **options: Any) -> dict[str, Any]:
    """Generate ``eoffice/`` next to an existing data set and merge its figures into
    ``expected.json`` (the ``documents`` section and ``quarantine.eoffice_edxml``)."""
    out_dir = Path(out_dir)
    meta = ds.read_dataset_json(out_dir)
    result = generate_eoffice(out_dir, meta, seed, **options)
    path = out_dir / ds.EXPECTED_FILE
    import json

    expected = json.loads(path.read_text("utf-8")) if path.exists() else ds.empty_expected(meta)
    expected["documents"] = result["documents"]
    expected.setdefault("quarantine", {}).update(result["quarantine"])
    ds.write_json(path, expected)
    return expected
