"""split_page_bytes: the body as json.loads gives it, each record's UTF-8 bytes as
received; None (the caller takes split_page) wherever msgspec would differ."""

from __future__ import annotations

import json

import pytest

from eduwh.extract.jsontext import split_page, split_page_bytes

BODIES = [
    '{"page":1,"total":2,"data":[{"MaHoSo":"A-1","x":[1,2,{"y":null}]},{"MaHoSo":"A-2"}]}',
    ' {\n "total" : 3 ,\t"data" : [ 1 , "two\\"\\\\" ,\r\n{"a" : true} ] }\n',
    '{"data":[]}',
    '{"data":[{"TenTTHC":"C\\u1ea5p b\\u1ea3n sao","ChuHoSo":"Nguyễn Văn An"}],"page":1}',
    '{"data":[1],"data":[2,3]}',  # a repeated key: the last one, as json.loads
    '{"data":[1.50, -0, -0.0, 1E5, 123456789012345678901234567890]}',
    '{"data":[{"a":1,"a":2}],"total":1}',
    '{"data":["\\u0000 \\t"]}',
]


@pytest.mark.parametrize("body", BODIES)
def test_body_is_json_loads_and_texts_are_the_records_bytes_as_received(body):
    content = body.encode("utf-8")
    decoded, texts = split_page_bytes(content, "data")
    assert decoded == json.loads(body)
    assert texts is not None and len(texts) == len(decoded["data"])
    for text, record in zip(texts, decoded["data"], strict=True):
        assert isinstance(text, bytes)
        assert json.loads(text) == record
        assert text in content  # a slice of what was received, not a re-serialisation
    assert [t.decode("utf-8") for t in texts] == split_page(body, "data")[1]


@pytest.mark.parametrize("body", ["{}", '{"data":5}', '{"data":{"a":1}}', '{"other":[1]}'])
def test_other_objects_decode_as_json_loads_without_texts(body):
    assert split_page_bytes(body.encode(), "data") == (json.loads(body), None)


@pytest.mark.parametrize(
    "content",
    [
        b'{"data":[NaN]}',  # json.loads takes these; msgspec does not: split_page decides
        b'{"data":[1e400]}',
        b'{"data":["\\ud800"]}',
        b'{"data":[1' + b"0" * 5000 + b"]}",
        b'[{"a":1}]',
        b'"text"',
        b"\xef\xbb\xbf{}",
        b'{"data":["\xff"]}',  # not UTF-8: response.text replaces, split_page decides
        b'{"data":[1,',  # truncated: split_page raises as json.loads
        b'{"data":[1]} x',
        b"",
    ],
)
def test_what_msgspec_would_read_otherwise_is_left_to_split_page(content):
    assert split_page_bytes(content, "data") is None
