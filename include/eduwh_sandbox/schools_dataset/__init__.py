"""The school data of the built-in Quảng Ngãi data set: csdl.moet exports, SMAS and vnEdu
deliveries, school year 2019-2020 (contracts/csdl_moet.md, contracts/sis_exports.md).

``generate_schools(out_dir, meta, seed=2019, scale=1.0)`` writes, in the layout of
contracts/sandbox_dataset.md::

    csdl_moet/manifest.jsonl      one line per version of an export file
    csdl_moet/files/*.xlsx        the versions' bytes
    sis/smas/*.csv                SMAS deliveries
    sis/vnedu/*.xlsx              vnEdu deliveries
    expected.json                 its "schools" section (and the quarantine of the school
                                  files, and a reconciliation summary) merged in

Orders of magnitude (approximate, rounded; from the Quảng Ngãi statistical yearbook
2019 — Niên giám thống kê tỉnh Quảng Ngãi — and MOET's school-year statistics for
2019-2020): about 680 schools of all levels (about 210 pre-schools, 215 primary, 150
lower secondary, 45 primary + lower secondary, 38 upper secondary, a few lower + upper
secondary, 14 continuing-education centres) and about 250,000 pupils, about 15,000
teachers and staff, in 14 districts. ``scale`` shrinks the number of schools (tests build
a province of about 20 schools in a few seconds); the built-in data set uses 1.0.

What real exports do, and this data set does on purpose:

- 1-4 title rows before the header; a ``Tổng cộng`` row after the data (sometimes after
  a blank row); blank spacer rows at the end;
- two template versions: ``2018`` (the contract's column order) and ``2019`` (an ``STT``
  column first, columns moved, extra unknown columns);
- header text in NFD in some files, in capitals with extra spaces in others;
- dates as text ``dd/mm/yyyy`` in most files, as real Excel date cells in some;
- versions: the province's school list and some schools' student lists are exported
  again later (a status changed, a pupil added); a few files change after the as-of
  date (invisible at the default clock);
- SMAS files in UTF-8 with BOM, or in Windows-1258 (older servers); a corrected
  re-delivery with a later stamp for some (school, term); students present on one side
  only; schools that declare one vendor and deliver from the other, from both, or
  deliver nothing;
- bad files for the quarantine, each with the reason a reader must give:
  ``wrong_encoding`` (a SMAS file in UTF-16), ``no_header_row`` (a vnEdu file without
  its header), ``missing_column:MaHocSinh`` (SMAS), ``corrupt_xlsx`` (a truncated vnEdu
  file and a truncated csdl.moet class list), ``missing_column:Mã cán bộ`` (a csdl.moet
  staff list). Bad SIS files carry the latest stamp of their (school, term): a loader
  that let them win would lose the earlier good delivery.

Names, birth dates, identity numbers and e-mails are fake but realistic. Planted unique
values (``result["planted"]``) let tests scan the warehouse for personal data.

The figures are counted afterwards by ``expected_schools`` from the records as written
(latest version at the clock of each file, bad files left out), an independent reading
of the definitions:

- ``schools``: rows of the province's school list; ``classes``: rows of the class lists
  of the school year; ``students``: pupils with ``Trạng thái HS`` = ``Đang học``;
  ``teachers``: staff with ``Vị trí việc làm`` = ``Giáo viên`` and ``Trạng thái CB`` =
  ``Đang làm việc``;
- ``schools_on_smas`` / ``schools_on_vnedu``: schools with at least one readable
  delivery of that vendor in the school year (what is delivered, not what is declared);
- ``students_matched_pct``: of the distinct pupils (``MaHocSinh``) of a school in the
  latest delivery of each (vendor, school, term), both terms, the share whose code is a
  pupil of the same school in csdl.moet (any status), one decimal.

Modules: ``catalogue`` (districts, levels, names), ``province`` (the schools, pupils and
staff in memory), ``records`` (the exports' columns and records), ``spreadsheets`` (xlsx,
Windows-1258), ``vendors`` (SMAS, vnEdu), ``writers`` (the files of each school year),
``figures`` (the independent count) and ``generator`` (``generate_schools``).
"""

from eduwh_sandbox.schools_dataset.generator import generate_schools

__all__ = ["generate_schools"]
