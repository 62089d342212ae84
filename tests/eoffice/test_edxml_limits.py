"""The edXML reader's limits: nesting depth, markup libxml2 must hold, package size; an
empty package; entities and DTDs never read. Each refusal is a MalformedPackage (so the
loader quarantines the package) with its own reason.

No timing here (speed is measured in bench/edxml/run.py): "quickly" is asserted as "the
reader stopped before reading the package", memory with tracemalloc and ru_maxrss.
"""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import textwrap
import tracemalloc

import pytest

from eduwh.extract.edxml import (
    CHUNK,
    MAX_DEPTH,
    MAX_MARKUP,
    MAX_PACKAGE_BYTES,
    MalformedPackage,
    parse_package,
)
from tests.eoffice.test_edxml import _bytes, _spec

HEADER_DEPTH = 3  # edXMLEnvelope/edXMLHeader/MessageHeader, where the fragments go
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'


def _package() -> bytes:
    data = _bytes(_spec())
    assert data.startswith(DECLARATION) and data.count(b"</edXML:MessageHeader>") == 1
    return data


def _inside_header(fragment: bytes) -> bytes:
    """A valid package with ``fragment`` as the last child of MessageHeader."""
    return _package().replace(b"</edXML:MessageHeader>", fragment + b"</edXML:MessageHeader>")


def _after_declaration(prolog: bytes) -> bytes:
    data = _package()
    return DECLARATION + prolog + data[len(DECLARATION) :]


def _nested(n: int) -> bytes:
    return b"<edXML:Nest>" * n + b"</edXML:Nest>" * n


def _refused(data: bytes, **limits) -> tuple[MalformedPackage, int]:
    """The error and how many bytes of ``data`` the reader had read when it stopped."""
    stream = io.BytesIO(data)
    with pytest.raises(MalformedPackage) as caught:
        parse_package(stream, **limits)
    return caught.value, stream.tell()


class _Endless:
    """A binary stream: ``head``, then ``filler`` repeated up to ``size`` bytes, then
    ``tail``; never held in memory. ``given`` counts the bytes handed out."""

    def __init__(self, head: bytes, filler: bytes, size: int, tail: bytes):
        self.parts = [head]
        self.filler, self.left, self.tail = filler, size, tail
        self.given = 0

    def read(self, n: int) -> bytes:
        if self.parts:
            out = self.parts.pop()
        elif self.left > 0:
            k = min(n, self.left) // len(self.filler) or 1
            out, self.left = self.filler * k, self.left - k * len(self.filler)
        else:
            out, self.tail = self.tail, b""
        self.given += len(out)
        return out


# -- depth ---------------------------------------------------------------------------------
def test_a_nesting_bomb_is_refused_with_the_depth_reason_within_its_first_chunk():
    data = _inside_header(_nested(100_000))
    assert len(data) > 2_000_000
    error, read = _refused(data)
    assert error.reason == "limit_exceeded:depth"
    assert str(MAX_DEPTH) in error.detail
    assert read <= CHUNK  # stopped at element 257, not after reading the 2 MB


def test_nesting_up_to_the_depth_limit_parses_and_one_more_is_refused():
    facts = parse_package(io.BytesIO(_inside_header(_nested(MAX_DEPTH - HEADER_DEPTH))))
    assert facts.code_number == "4567" and facts.attachments[0].size == 12345
    error, _ = _refused(_inside_header(_nested(MAX_DEPTH - HEADER_DEPTH + 1)))
    assert error.reason == "limit_exceeded:depth"


def test_fields_inside_and_after_deep_elements_keep_their_meaning():
    # the O(1) "inside MessageHeader / Signature" counters close what they open
    deep = b"<edXML:Signature>" + _nested(200) + b"</edXML:Signature>"
    facts = parse_package(io.BytesIO(_inside_header(deep)), chunk_size=777)
    assert facts.signed and facts.signature_digest_count == 1
    assert facts.document_id == "000.00.00.G22,2019/12/02,4567/BGDĐT-GDTrH"
    assert [h.organ_id for h in facts.trace][-1] == "000.23.34.H48"


# -- markup libxml2 must hold ----------------------------------------------------------------
def test_an_attribute_just_under_the_markup_limit_parses():
    value = b"A" * (MAX_MARKUP - 1024)
    facts = parse_package(io.BytesIO(_inside_header(b'<edXML:Note v="' + value + b'"/>')))
    assert facts.code_number == "4567" and facts.attachments[1].size == 1


def test_an_attribute_over_the_markup_limit_is_refused_before_the_rest_is_read():
    value = b"A" * (MAX_MARKUP + 2 * CHUNK)
    data = _inside_header(b'<edXML:Note v="' + value + b'"/>' + b"<edXML:X/>" * 100_000)
    error, read = _refused(data)
    assert error.reason == "limit_exceeded:markup_size"
    assert read < len(data) - 500_000


SMALL_LIMIT = 64 * 1024  # the markup limit of the test below, to keep it light
LONG = 4 * SMALL_LIMIT
LONG_MARKUP = {  # kind -> (where, before, middle of LONG bytes or so, after)
    "attribute": ("header", b"<edXML:Note a='", b"A" * LONG, b"'/>"),
    "many attributes": (
        "header",
        b"<edXML:Note",
        b"".join(b" a%d=''" % i for i in range(LONG // 8)),
        b"/>",
    ),
    "attribute of '>'": ("header", b'<edXML:Note a="', b">" * LONG, b'"/>'),
    "comment": ("header", b"<!--", b"A" * LONG, b"-->"),
    "processing instruction": ("header", b"<?note ", b"A" * LONG, b"?>"),
    "CDATA": ("header", b"<edXML:Content><![CDATA[", b"A" * LONG, b"]]></edXML:Content>"),
    "end tag": ("header", b"<edXML:Note></edXML:Note", b" " * LONG, b">"),
    "DTD": ("prolog", b'<!DOCTYPE edXMLEnvelope [<!ENTITY big "', b"A" * LONG, b'">]>'),
}


@pytest.mark.parametrize("kind", sorted(LONG_MARKUP))
def test_each_kind_of_long_markup_is_refused(kind):
    where, before, middle, after = LONG_MARKUP[kind]
    fragment = before + middle + after
    data = _inside_header(fragment) if where == "header" else _after_declaration(fragment)
    error, _ = _refused(data, max_markup=SMALL_LIMIT, chunk_size=4096)
    assert error.reason == "limit_exceeded:markup_size", kind


def test_text_is_not_markup_a_big_attachment_within_the_limits_parses():
    # 8 MB of base64 read through a 64 KiB markup limit: text never stalls the watchdog
    facts = parse_package(
        io.BytesIO(_bytes(_spec(attachments=[("big.pdf", 6 * 2**20)]))), max_markup=SMALL_LIMIT
    )
    assert facts.attachments[0].size == 6 * 2**20


CHILD = textwrap.dedent(
    r"""
    import json, resource, sys, tracemalloc
    from eduwh.extract.edxml import MalformedPackage, parse_package
    head, tail = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
    mb = int(sys.argv[3])

    class Lazy:  # head, size bytes of attribute value, tail; never held in memory
        def __init__(self, size):
            self.parts, self.left, self.given = [tail, head], size, 0
        def read(self, n):
            if self.left > 0 and len(self.parts) < 2:
                k = min(n, self.left)
                out, self.left = b"QUJD" * (k // 4), self.left - k
            else:
                out = self.parts.pop() if self.parts else b""
            self.given += len(out)
            return out

    parse_package(Lazy(1000))  # warm up: imports, lxml, the first parser
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    stream = Lazy(mb * 2**20)
    try:
        parse_package(stream)
        reason = None
    except MalformedPackage as error:
        reason = error.reason
    _, peak = tracemalloc.get_traced_memory()
    grow = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
    print(json.dumps({"reason": reason, "read": stream.given, "tracemalloc_peak": peak,
                      "maxrss_growth_kb": grow}))
    """
)


def test_a_64_mb_attribute_is_refused_with_flat_memory(tmp_path):
    """In a fresh process, so ru_maxrss (libxml2's C memory included) tells the truth.
    With huge_tree and no watchdog this took ~120 MB of C memory and a 64 MB str."""
    head, tail = _inside_header(b'<edXML:Note v="<split>"/>').split(b"<split>")
    (tmp_path / "head").write_bytes(head)
    (tmp_path / "tail").write_bytes(tail)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "head"), str(tmp_path / "tail"), "64"],
        check=True,
        capture_output=True,
        text=True,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["reason"] == "limit_exceeded:markup_size"
    assert got["read"] < MAX_MARKUP + 4 * CHUNK + len(head)  # stopped, not read to its end
    assert got["tracemalloc_peak"] < 2 * 2**20, got
    assert got["maxrss_growth_kb"] < 16 * 1024, got


# -- package size ------------------------------------------------------------------------------
def test_a_package_of_exactly_the_size_limit_parses_one_byte_more_is_refused():
    data = _package()
    assert parse_package(io.BytesIO(data), max_bytes=len(data)).code_number == "4567"
    error, _ = _refused(data, max_bytes=len(data) - 1)
    assert error.reason == "limit_exceeded:package_size"


def test_an_endless_attachment_is_cut_at_the_size_limit():
    head, tail = _package().split(b"<edXML:ContentTransferEncoded>", 1)
    stream = _Endless(head + b"<edXML:ContentTransferEncoded>", b"QUJD" * 1024, 2**40, tail)
    limit = 8 * 2**20
    with pytest.raises(MalformedPackage) as caught:
        parse_package(stream, max_bytes=limit)
    assert caught.value.reason == "limit_exceeded:package_size"
    assert limit < stream.given <= limit + CHUNK
    assert MAX_PACKAGE_BYTES >= 512 * 2**20  # room for the contract's big attachments


# -- empty package -----------------------------------------------------------------------------
def test_an_empty_package_has_its_own_reason():
    error, _ = _refused(b"")
    assert (error.reason, error.detail) == ("empty_package", "the package is empty (0 bytes)")


# -- entities and DTDs -------------------------------------------------------------------------
def test_external_entities_and_remote_dtds_are_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        prolog = (
            f'<!DOCTYPE edXML:edXMLEnvelope SYSTEM "{url}/remote.dtd" ['
            f'<!ENTITY file SYSTEM "{secret.as_uri()}">'
            f'<!ENTITY remote SYSTEM "{url}/remote.ent">]>'
        ).encode()
        data = _after_declaration(prolog).replace(b">4567<", b">4567&file;&remote;<")
        facts = parse_package(io.BytesIO(data))
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected: no DTD, no entity fetched
    assert facts.code_number == "4567"
    assert "TOP-SECRET" not in json.dumps(facts.to_dict(), ensure_ascii=False)


def test_billion_laughs_is_refused_without_expanding():
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    prolog = f"<!DOCTYPE edXML:edXMLEnvelope [{''.join(entities)}]>".encode()
    data = _after_declaration(prolog).replace(b">4567<", b">4567&lol9;<")
    tracemalloc.start()
    try:
        error, _ = _refused(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.reason == "invalid_xml" and "amplification" in error.detail
    assert peak < 8 * 2**20  # 10^9 "lol"s would be 3 GB
