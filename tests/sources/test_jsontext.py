"""split_page: the body as json.loads gives it, and each record's JSON text as received."""

from __future__ import annotations

import json

import pytest

from eduwh.extract.jsontext import split_page
from eduwh.land.copy import copy_text

BODIES = [
    '{"page":1,"total":2,"data":[{"MaHoSo":"A-1","x":[1,2,{"y":null}]},{"MaHoSo":"A-2"}]}',
    ' {\n "total" : 3 ,\t"data" : [ 1 , "two\\"\\\\" ,\r\n{"a" : true} ] }\n',
    '{"data":[]}',
    '{"data":[{"TenTTHC":"C\\u1ea5p b\\u1ea3n sao","ChuHoSo":"Nguyễn Văn An"}],"page":1}',
    '{"data":[1],"data":[2,3]}',  # a repeated key: the last one, as json.loads
    '{"data":[1.50, -0, 1e400, 123456789012345678901234567890]}',
]


@pytest.mark.parametrize("body", BODIES)
def test_body_is_json_loads_and_texts_are_the_records_as_received(body):
    decoded, texts = split_page(body, "data")
    assert decoded == json.loads(body)
    assert texts is not None and len(texts) == len(decoded["data"])
    for text, record in zip(texts, decoded["data"], strict=True):
        assert json.loads(text) == record
        assert text in body  # a slice of what was received, not a re-serialisation


@pytest.mark.parametrize(
    "body", ['[{"a":1}]', "{}", '{"data":5}', '{"data":{"a":1}}', '"text"', '{"other":[1]}']
)
def test_other_shapes_decode_as_json_loads_without_texts(body):
    assert split_page(body, "data") == (json.loads(body), None)


@pytest.mark.parametrize("body", ['{"data":[1,', '{"data":[1]} x', "", '{"data":[1 2]}', "{"])
def test_invalid_json_raises_as_json_loads(body):
    with pytest.raises(json.JSONDecodeError):
        split_page(body, "data")


def test_copy_text_escapes_what_copy_text_format_needs():
    assert copy_text('{"a":"b\\\\c"}') == '{"a":"b\\\\\\\\c"}'
    assert copy_text('{\t"a":\n1\r}') == '{\\t"a":\\n1\\r}'
    assert copy_text('{"a":"ắ"}') == '{"a":"ắ"}'
    with pytest.raises(ValueError, match="NUL"):
        copy_text('{"a":"\x00"}')
