"""The report of a merged Department says which predecessors it covers, until when, and
each one's share of the dossier and document counts (contracts/agencies.md, "The annual
report of the merged Department"); every other report's text is unchanged by that rule.

The figures are the 2019 data set's expected.json (fixture figures_2019); the predecessor's
part is added the way eduwh.report.figures writes it from rpt_dossier_figures_by_source
and rpt_document_figures_by_source.
"""

from __future__ import annotations

from eduwh.report.render import build_document, fmt_number


def _texts(figures: dict) -> list[str]:
    lines = []
    for block in build_document(figures, {}, unchecked=False).blocks:
        lines.extend(filter(None, [getattr(block, "text", None), *(block.lines or [])]))
    return lines


def test_predecessors_are_named_with_their_share(figures_2019):
    plain = _texts(figures_2019)
    share = {"received": figures_2019["dossiers"]["received"] // 3, "resolved": 17}
    merged = dict(
        figures_2019,
        covers=[
            {"code": "P.1", "name": "Sở Giáo dục và Đào tạo Tiền Nhiệm", "until": "2025-06-30"}
        ],
        of_which={"P.1": {"dossiers": share}},
    )
    added = [line for line in _texts(merged) if line not in plain]

    assert len(added) == 2, added
    opening, dossiers = added
    assert "Sở Giáo dục và Đào tạo Tiền Nhiệm (đến ngày 30/06/2025)" in opening
    assert f"tiếp nhận {share['received']} hồ sơ" in dossiers
    assert "đã giải quyết 17 hồ sơ" in dossiers


def test_the_predecessors_documents_share_follows_the_documents_sentence(figures_2019):
    plain = _texts(figures_2019)
    documents = {"incoming": figures_2019["documents"]["incoming"] // 4, "outgoing": 9}
    merged = dict(
        figures_2019,
        covers=[{"code": "P.1", "name": "Sở GDĐT Tiền Nhiệm", "until": "2025-06-30"}],
        of_which={"P.1": {"dossiers": {"received": 1, "resolved": 1}, "documents": documents}},
    )
    texts = _texts(merged)
    added = [line for line in texts if line not in plain]
    share = next(line for line in added if "văn bản đến" in line)
    incoming = fmt_number(documents["incoming"])
    assert f"Sở GDĐT Tiền Nhiệm (đến ngày 30/06/2025): {incoming} văn bản đến" in share
    assert "9 văn bản đi" in share
    # right after the Department's own documents sentence
    assert "văn bản đến" in texts[texts.index(share) - 1]


def test_a_report_without_predecessors_is_unchanged(figures_2019):
    assert _texts(dict(figures_2019, covers=[], of_which={})) == _texts(figures_2019)
