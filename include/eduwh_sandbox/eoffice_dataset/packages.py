"""One edXML package (QCVN 102) written from a ``PackageSpec``, attachments streamed."""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any
from xml.sax.saxutils import escape

from eduwh_sandbox.eoffice_dataset.catalogue import DOCUMENT_TYPES, Agency

NS_QCVN = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
NS_GOVN = "http://www.go.vn/eDoc"
NS_DSIG = "http://www.w3.org/2000/09/xmldsig#"


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
