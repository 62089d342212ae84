"""Streaming reader of edXML packages (QCVN 102:2016/BTTTT, amended 2022).

``parse_package(stream)`` reads a package from a binary stream (a file, an HTTP
response's ``raw``) in chunks and returns its header facts (:class:`PackageFacts`):
sender and recipients, document id, code, dates, type, signer's position, due date,
priority, the hops of the interconnection axis, whether an XML-DSig ``Signature`` is
present and its certificate subject, and the attachments' names and sizes.

Memory stays flat whatever the size of the attachments: the package is fed to lxml's
parser in 64 KiB chunks with a *parser target* (SAX-style callbacks), so no tree is
built at all and a text node reaches us chunk by chunk. An attachment body
(``ContentTransferEncoded``, base64) is never kept: it is checked for the base64
alphabet and its padding as it streams by, and its decoded size is
``len(base64 text without whitespace) * 3 / 4 - padding``.

Cost is linear in the package and memory bounded whatever the package holds:

- O(1) work per tag: the open elements are a stack, and the few ancestors a field's
  meaning depends on (``MessageHeader``, ``Bussiness``, ``Signature``) are counted as
  they open and close, never searched for in the stack;
- limits, each a :class:`MalformedPackage` (so the package is quarantined):
  ``MAX_DEPTH`` open elements, ``MAX_MARKUP`` bytes of markup libxml2 must hold before
  it can hand us anything (a start tag with its attribute values, a comment, a
  processing instruction, a DTD, a CDATA section), ``MAX_PACKAGE_BYTES`` in all.
  libxml2's push parser keeps a whole start tag in memory until its ``>`` arrives (a
  100 MB attribute took 185 MB of C memory, ``huge_tree`` or not, and one more 100 MB
  Python string with ``huge_tree``); text, by contrast, is handed over chunk by chunk.
  So the markup limit is a watchdog on progress: when more than ``MAX_MARKUP`` bytes
  have been fed since the parser last called the target, the package is refused.
  ``huge_tree`` is off, so libxml2's own limits (10 MB per attribute value, names of
  50 000 characters, entity amplification) stay on behind ours.

Why not ``etree.iterparse`` with ``clear()``: iterparse hands an element over at its
``end`` event, with its whole text already built — a 200 MB attachment is then one
270 MB text node (and one more Python string when ``.text`` is read) before it can be
cleared. Clearing keeps memory flat across *many* packages, not within one big element.
``bench/edxml/run.py`` measures the three readers side by side.

Elements are matched by local name; the envelope's namespace must be the standard's
``http://www.mic.gov.vn/TBT/QCVN_102_2016`` or the wrong ``http://www.go.vn/eDoc`` some
sender software writes; the root may be ``edXMLEnvelope`` or ``EdXMLEnvelope``.

Problems raise :class:`MalformedPackage` with a reason code:

- ``truncated_xml``: the document ends before its root element is closed (or holds
  nothing but whitespace);
- ``invalid_xml``: not well-formed XML before its end;
- ``unknown_namespace``: the root is not an edXML envelope of a known namespace;
- ``missing_header_field:<name>``: a required header field is absent or empty
  (``From.OrganId``, ``To.OrganId``, ``DocumentId``, ``CodeNumber``, ``CodeNotation``,
  ``PromulgationDate``, ``DocumentType``);
- ``invalid_header_field:<name>``: a date that is neither ``dd/MM/yyyy`` nor ``yyyy/MM/dd``;
- ``undecodable_attachment``: an attachment body that is not valid base64;
- ``empty_package``: a body of 0 bytes;
- ``limit_exceeded:depth``, ``limit_exceeded:markup_size``,
  ``limit_exceeded:package_size``: beyond one of the limits above.

Entities are never resolved and nothing is fetched (``resolve_entities=False``,
``no_network=True``): an external entity or a remote DTD is not read, and a "billion
laughs" DTD is refused by libxml2's amplification check (``invalid_xml``).
"""

from __future__ import annotations

import binascii
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import IO, Any

from lxml import etree

NS_QCVN = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
NS_GOVN = "http://www.go.vn/eDoc"  # wrong, but written by some sender software
NAMESPACES = (NS_QCVN, NS_GOVN)
ROOTS = ("edXMLEnvelope", "EdXMLEnvelope")
CHUNK = 64 * 1024
MAX_TEXT = 64 * 1024  # header text kept per element; longer text is cut (Content, ...)
# A package nests 7 deep at most (edXMLEnvelope/edXMLHeader/Signature/SignedInfo/
# Reference/Transforms/Transform); 256 (libxml2's own historical default) leaves room
# for any wrapper, while a nesting bomb is stopped within its first few KB.
MAX_DEPTH = 256
# Bytes libxml2 may hold without handing us anything: the longest tag of a package (the
# envelope's, with its namespace declaration) is under 100 bytes and a package has no
# comment, DTD or CDATA worth speaking of; 1 MiB is ten thousand times that, and keeps
# what a hostile attribute can cost to a few MiB of libxml2 buffer.
MAX_MARKUP = 1024 * 1024
# The contract speaks of attachments of "tens of megabytes" and the bench reads one of
# 200 MB (a 270 MB package): 1 GiB (after HTTP decompression) is far above any real
# package and bounds the time an endless or decompression-bomb body can take.
MAX_PACKAGE_BYTES = 1024 * 1024 * 1024
VN_TZ = timezone(timedelta(hours=7))

TRUNCATED = "truncated_xml"
INVALID = "invalid_xml"
UNKNOWN_NAMESPACE = "unknown_namespace"
MISSING = "missing_header_field"
INVALID_FIELD = "invalid_header_field"
UNDECODABLE = "undecodable_attachment"
EMPTY = "empty_package"
TOO_DEEP = "limit_exceeded:depth"
TOO_LONG_MARKUP = "limit_exceeded:markup_size"
TOO_BIG = "limit_exceeded:package_size"
REQUIRED = (
    "From.OrganId",
    "To.OrganId",
    "DocumentId",
    "CodeNumber",
    "CodeNotation",
    "PromulgationDate",
    "DocumentType",
)

_COUNTED = ("MessageHeader", "Bussiness", "Signature")  # ancestors end() asks about
_FIELD_PARENTS = frozenset(
    {"MessageHeader", "Code", "PromulgationInfo", "DocumentType", "OtherInfo", "Bussiness"}
)
_B64 = re.compile(rb"[^A-Za-z0-9+/=]")
_WS = re.compile(r"\s+")


class MalformedPackage(ValueError):
    """A package the warehouse cannot read; ``reason`` is a stable code."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Organ:
    organ_id: str | None = None
    organ_name: str | None = None


@dataclass
class Hop:
    organ_id: str | None
    timestamp: str | None  # ISO 8601 with +07:00 when parsable, else as written


@dataclass
class Attachment:
    content_id: str | None
    name: str | None
    content_type: str | None
    size: int  # decoded bytes


@dataclass
class PackageFacts:
    namespace: str
    root: str
    sender: Organ
    recipients: list[Organ]
    document_id: str | None
    code_number: str | None
    code_notation: str | None
    promulgation_place: str | None
    promulgation_date: str | None  # ISO date
    promulgation_date_raw: str | None
    document_type: str | None
    document_type_detail: str | None
    document_type_name: str | None
    signer_position: str | None
    due_date: str | None  # ISO date
    priority: str | None
    steering_type: str | None
    trace: list[Hop]
    business_doc_type: str | None
    signed: bool
    signature_digest_count: int
    certificate_subject: str | None
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def attachments_bytes(self) -> int:
        return sum(a.size for a in self.attachments)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able facts (what lands in raw.eoffice__edxml_header.facts)."""
        out = asdict(self)
        out["attachments_bytes"] = self.attachments_bytes
        return out


def parse_date(text: str | None, name: str) -> str | None:
    """``dd/MM/yyyy`` or ``yyyy/MM/dd`` (``-`` accepted for ``/``) → ISO date; ``None`` if empty."""
    if text is None or not text.strip():
        return None
    value = text.strip().replace("-", "/")
    for fmt in ("%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    raise MalformedPackage(f"{INVALID_FIELD}:{name}", repr(text[:40]))


def parse_hop_time(text: str | None) -> str | None:
    """A TraceHeader Timestamp (``yyyy/MM/dd HH:mm:ss``, ``dd/MM/yyyy HH:mm:ss`` or ISO)."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    for fmt in ("%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=VN_TZ).isoformat()
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # kept as written: a hop time is informative, not a key
    return (moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)).isoformat()


def certificate_subject(b64_der: str) -> str | None:
    """The subject (RFC 4514) of a base64 DER X.509 certificate; ``None`` if unreadable."""
    from cryptography import x509

    try:
        der = binascii.a2b_base64(_WS.sub("", b64_der).encode("ascii"))
        return x509.load_der_x509_certificate(der).subject.rfc4514_string()
    except (ValueError, binascii.Error, UnicodeEncodeError):
        return None


class _Base64Counter:
    """Validates base64 as it streams by and counts its decoded size; keeps < 4 bytes."""

    def __init__(self) -> None:
        self.chars = 0
        self.tail = b""  # last chars not yet checked (fewer than 4)
        self.padding = 0
        self.ended = False  # padding seen: only whitespace may follow
        self.bad = False

    def feed(self, text: str) -> None:
        if self.bad:
            return
        try:
            raw = text.encode("ascii")
        except UnicodeEncodeError:
            self.bad = True
            return
        raw = raw.translate(None, b" \t\r\n")
        if not raw:
            return
        if self.ended or _B64.search(raw):
            self.bad = True
            return
        data = self.tail + raw
        usable = len(data) - len(data) % 4
        block, self.tail = data[:usable], data[usable:]
        if block:
            pad = block.find(b"=")
            if pad != -1:
                if pad < len(block) - 2 or self.tail or block[pad:] not in (b"=", b"=="):
                    self.bad = True
                    return
                self.padding = len(block) - pad
                self.ended = True
            try:
                binascii.a2b_base64(block, strict_mode=True)
            except binascii.Error:
                self.bad = True
                return
        self.chars += len(raw)

    def size(self) -> int:
        if self.bad or self.tail or self.chars % 4:
            raise MalformedPackage(UNDECODABLE, "not valid base64 (length or alphabet)")
        return self.chars * 3 // 4 - self.padding


class _Target:
    """lxml parser target: keeps a path of local names and only the header's text.

    ``events`` counts the callbacks (the reader's progress watchdog); ``open`` counts
    the open elements of each name in ``_COUNTED`` (O(1) "is it inside ...?")."""

    def __init__(self, max_depth: int = MAX_DEPTH) -> None:
        self.max_depth = max_depth
        self.events = 0
        self.path: list[str] = []
        self.open = dict.fromkeys(_COUNTED, 0)
        self.text: list[str] | None = None
        self.text_len = 0
        self.namespace = ""
        self.root = ""
        self.sender = Organ()
        self.recipients: list[Organ] = []
        self.fields: dict[str, str] = {}
        self.trace: list[Hop] = []
        self.hop: dict[str, str] = {}
        self.signature = False
        self.signature_value = ""
        self.digests = 0
        self.cert_b64: str | None = None
        self.subject_name: str | None = None
        self.attachments: list[Attachment] = []
        self.attachment: dict[str, Any] | None = None
        self.counter: _Base64Counter | None = None
        self.closed_root = False

    # -- callbacks --------------------------------------------------------------------
    def start(self, tag: str, attrib: Any, nsmap: Any = None) -> None:
        self.events += 1
        if len(self.path) >= self.max_depth:
            raise MalformedPackage(TOO_DEEP, f"more than {self.max_depth} nested elements")
        ns, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        if not self.path:
            if local not in ROOTS:
                raise MalformedPackage(UNKNOWN_NAMESPACE, f"root element {local!r}")
            if ns not in NAMESPACES:
                raise MalformedPackage(UNKNOWN_NAMESPACE, repr(ns))
            self.namespace, self.root = ns, local
        self.path.append(local)
        if local in self.open:
            self.open[local] += 1
        if local == "To" and self._parent() == "MessageHeader":
            self.recipients.append(Organ())
        elif local == "TraceHeader":
            self.hop = {}
        elif local == "Signature":
            self.signature = True
        elif local == "Attachment":
            self.attachment = {}
        elif local == "ContentTransferEncoded":
            self.counter = _Base64Counter()
            self.text = None
            return
        self.text, self.text_len = [], 0

    def data(self, data: str) -> None:
        self.events += 1
        if self.counter is not None:
            self.counter.feed(data)
        elif self.text is not None and self.text_len < MAX_TEXT:
            self.text.append(data)
            self.text_len += len(data)

    def end(self, tag: str) -> None:
        self.events += 1
        local = self.path.pop()
        if local in self.open:
            self.open[local] -= 1
        parent = self.path[-1] if self.path else ""
        if local == "ContentTransferEncoded":
            size = self.counter.size() if self.counter else 0
            self.counter = None
            if self.attachment is not None:
                self.attachment["size"] = size
            return
        value = "".join(self.text or ())[:MAX_TEXT].strip()
        self.text, self.text_len = None, 0
        if not self.path:
            self.closed_root = True
        elif parent == "From" and self._grand() == "MessageHeader":
            self._organ(self.sender, local, value)
        elif parent == "To" and self._grand() == "MessageHeader":
            self._organ(self.recipients[-1], local, value)
        elif parent == "TraceHeader":
            self.hop[local] = value
        elif local == "TraceHeader":
            self.trace.append(
                Hop(self.hop.get("OrganId") or None, parse_hop_time(self.hop.get("Timestamp")))
            )
        elif self.open["Signature"] or local == "Signature":
            if local == "SignatureValue":
                self.signature_value = value
            elif local == "DigestValue" and value:
                self.digests += 1
            elif local == "X509Certificate" and self.cert_b64 is None:
                self.cert_b64 = value
            elif local == "X509SubjectName" and value:
                self.subject_name = value
        elif parent == "Attachment" and self.attachment is not None:
            self.attachment[local] = value
        elif local == "Attachment" and self.attachment is not None:
            a = self.attachment
            self.attachments.append(
                Attachment(
                    a.get("ContentId") or None,
                    a.get("AttachmentName") or None,
                    a.get("ContentType") or None,
                    a.get("size", 0),
                )
            )
            self.attachment = None
        elif self.open["MessageHeader"] or self.open["Bussiness"]:
            if parent == "SignerInfo":
                key = "SignerInfo." + local
            elif parent in _FIELD_PARENTS:
                key = local
            else:
                key = None
            if key and key not in self.fields:
                self.fields[key] = value

    def comment(self, text: str) -> None:
        self.events += 1

    def pi(self, target: str, data: str | None = None) -> None:
        self.events += 1

    def close(self) -> None:
        return None

    # -- helpers ----------------------------------------------------------------------
    def _parent(self) -> str:
        return self.path[-2] if len(self.path) > 1 else ""

    def _grand(self) -> str:
        return self.path[-2] if len(self.path) > 1 else ""

    @staticmethod
    def _organ(organ: Organ, local: str, value: str) -> None:
        if local == "OrganId":
            organ.organ_id = value or None
        elif local == "OrganName":
            organ.organ_name = value or None

    # -- result -----------------------------------------------------------------------
    def facts(self) -> PackageFacts:
        f = self.fields
        present = {
            "From.OrganId": self.sender.organ_id,
            "To.OrganId": next((o.organ_id for o in self.recipients if o.organ_id), None),
            "DocumentId": f.get("DocumentId"),
            "CodeNumber": f.get("CodeNumber"),
            "CodeNotation": f.get("CodeNotation"),
            "PromulgationDate": f.get("PromulgationDate"),
            "DocumentType": f.get("Type"),
        }
        for name in REQUIRED:
            if not present[name]:
                raise MalformedPackage(f"{MISSING}:{name}")
        subject = certificate_subject(self.cert_b64) if self.cert_b64 else None
        return PackageFacts(
            namespace=self.namespace,
            root=self.root,
            sender=self.sender,
            recipients=self.recipients,
            document_id=f.get("DocumentId"),
            code_number=f.get("CodeNumber"),
            code_notation=f.get("CodeNotation"),
            promulgation_place=f.get("Place") or None,
            promulgation_date=parse_date(f.get("PromulgationDate"), "PromulgationDate"),
            promulgation_date_raw=f.get("PromulgationDate"),
            document_type=f.get("Type"),
            document_type_detail=f.get("TypeDetail") or None,
            document_type_name=f.get("TypeName") or None,
            signer_position=f.get("SignerInfo.Position") or None,
            due_date=parse_date(f.get("DueDate"), "DueDate"),
            priority=f.get("Priority") or None,
            steering_type=f.get("SteeringType") or None,
            trace=self.trace,
            business_doc_type=f.get("BussinessDocType") or None,
            signed=self.signature and bool(self.signature_value),
            signature_digest_count=self.digests,
            certificate_subject=subject or self.subject_name,
            attachments=self.attachments,
        )


def parse_package(
    stream: IO[bytes],
    chunk_size: int = CHUNK,
    *,
    max_depth: int = MAX_DEPTH,
    max_markup: int = MAX_MARKUP,
    max_bytes: int = MAX_PACKAGE_BYTES,
) -> PackageFacts:
    """The header facts of the edXML package read from ``stream`` (binary, read in chunks).

    Raises :class:`MalformedPackage`; never keeps an attachment body in memory. The
    limits default to the module's constants (tests and the bench pass others); libxml2
    holds at most ``max_markup`` + two chunks of the package at any time.
    """
    target = _Target(max_depth)
    parser = etree.XMLParser(
        target=target,
        resolve_entities=False,
        no_network=True,
    )
    seen = stalled = 0
    events = target.events
    try:
        while True:
            chunk = stream.read(chunk_size)
            if not chunk:
                break
            seen += len(chunk)
            if seen > max_bytes:
                raise MalformedPackage(TOO_BIG, f"more than {max_bytes} bytes")
            parser.feed(chunk)
            if target.events != events:
                events, stalled = target.events, 0
            else:  # libxml2 holds the chunk: inside a tag, comment, DTD or CDATA section
                stalled += len(chunk)
                if stalled > max_markup:
                    raise MalformedPackage(
                        TOO_LONG_MARKUP,
                        f"more than {max_markup} bytes without an element or text "
                        "(a huge tag or attribute value, comment, DTD or CDATA section)",
                    )
    except etree.XMLSyntaxError as error:
        if target.closed_root:
            raise MalformedPackage(INVALID, f"content after the envelope: {error}") from None
        raise MalformedPackage(INVALID, str(error)[:200]) from None
    if not seen:
        raise MalformedPackage(EMPTY, "the package is empty (0 bytes)")
    try:
        parser.close()
    except etree.XMLSyntaxError as error:
        raise MalformedPackage(TRUNCATED, str(error)[:200]) from None
    if not target.closed_root:
        raise MalformedPackage(TRUNCATED, "the envelope is not closed")
    return target.facts()


def parse_file(path: str, chunk_size: int = CHUNK, **limits: int) -> PackageFacts:
    with open(path, "rb") as stream:
        return parse_package(stream, chunk_size, **limits)


__all__ = [
    "MalformedPackage",
    "PackageFacts",
    "MAX_DEPTH",
    "MAX_MARKUP",
    "MAX_PACKAGE_BYTES",
    "parse_package",
    "parse_file",
    "parse_date",
    "NAMESPACES",
    "ROOTS",
]
