"""The built-in Quảng Ngãi 2019 data set of the one-stop portal (motcua).

``generate(out_dir, seed)`` (``generator``) writes, in the layout of contracts/sandbox_dataset.md::

    dataset.json
    motcua/thutuc.jsonl     every version of every procedure (41 as of 2019-12-06)
    motcua/hoso.jsonl       every version of every dossier (1 -> 2 -> 4 -> 9 -> 10 ...)
    expected.json           report_figures.md shape + "quarantine" block

The figures of the seed report (000_192d14e16932da76.txt, as of 2019-12-06) are built
in by construction and then *re-counted* from the written records by
``figures.count_figures`` (an independent reading of the definitions of contracts/motcua.md);
generation fails loudly when the two disagree.

What a client must cope with (all deliberate):

- every dossier is stored once per version; some versions only re-save the same state
  with a later ``NgayCapNhat``;
- "not reached yet" is ``""`` in most dossiers and ``null`` in some;
- about 5 % of the dossiers carry every timestamp (``NgayCapNhat`` and the
  ``QuaTrinhXuLy`` steps included) as ``dd/MM/yyyy HH:mm:ss``;
- ``ChuHoSo`` is NFC in most versions and NFD in some versions of the same dossier,
  and some applicants file several dossiers (same name and identity number);
- invalid rows, each a separate single-version dossier that no figure counts:
  missing ``MaHoSo`` (key absent, ``""`` or ``null``), ``NgayHenTra`` days before
  ``NgayTiepNhan``, unknown ``MaTTHC``, unparsable date in ``NgayNopHoSo`` /
  ``NgayTiepNhan`` / ``NgayHenTra`` / ``NgayKetThucXuLy`` (``NgayCapNhat`` is always
  valid, so the server can place every row in time);
- traps for the figures: dossiers received in late 2018 (finished in 2018 or carried
  over), refused dossiers (status 3, two of them with ``NgayTiepNhan`` set), online
  submissions in the period received only after the as-of date, dossiers received
  after the as-of date (one by BCCI on a procedure that has no BCCI dossier in the
  period), and dossiers in progress at the as-of date that are resolved later in
  December, some of them returned by BCCI (``HinhThuc`` = 1);
- the catalogue has history: a procedure renamed in March, one raised from level 2 to
  level 3 in July, one opened for BCCI in October, one renamed after the as-of date.

Modules: ``catalogue`` (the Department, its procedures and their history), ``timestamps``,
``applicants``, ``dossiers`` (the plan of every dossier and its versions), ``figures``
(the independent count) and ``generator`` (the files and expected.json).
"""

from eduwh_sandbox.motcua_dataset.catalogue import META
from eduwh_sandbox.motcua_dataset.generator import generate

__all__ = ["META", "generate"]
