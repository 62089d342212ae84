"""docs/analyst.md: every SQL example runs as the read-only role on the 2019 warehouse
and returns rows, so that the examples stay true as the marts change."""

from __future__ import annotations

import re

import pytest

from eduwh import warehouse
from eduwh.config import PROJECT_ROOT

pytestmark = pytest.mark.timeout(1500)  # the session's night is built on first use

ANALYST_MD = PROJECT_ROOT / "docs" / "analyst.md"
# A query: a `### title`, at least one sentence, then its ```sql block.
_QUERY = re.compile(
    r"^### (?P<title>[^\n]+)\n+(?P<text>[^`#]+?)\n+```sql\n(?P<sql>.*?)```", re.S | re.M
)


def analyst_queries() -> list[tuple[str, str, str]]:
    text = ANALYST_MD.read_text(encoding="utf-8")
    return [(m["title"], m["text"].strip(), m["sql"]) for m in _QUERY.finditer(text)]


QUERIES = analyst_queries()


def test_every_query_has_its_title_and_sentence():
    blocks = ANALYST_MD.read_text(encoding="utf-8").count("```sql")
    assert len(QUERIES) == blocks >= 10  # no sql block escapes the test
    for title, sentence, sql in QUERIES:
        assert sentence.endswith(".") and len(sentence) > 40, title
        assert "marts." in sql, title


@pytest.mark.parametrize(
    ("title", "sql"), [(q[0], q[2]) for q in QUERIES], ids=[q[0].split(".")[0] for q in QUERIES]
)
def test_the_query_returns_rows_as_the_reader(night_2019, title, sql):
    with warehouse.connect(night_2019, "eduwh_reader") as conn:
        rows = conn.execute(sql).fetchall()
    assert rows, f"{title}: no row on the 2019 warehouse"
