"""The built-in Quảng Ngãi 2025 data set: the one-stop portal from 2022 to the end of 2025.

``generate(out_dir, seed)`` (``generator``) writes, in the layout of contracts/sandbox_dataset.md::

    dataset.json            quang-ngai-2025: the 2019 set's agency, year 2025, as of 2025-12-31
    motcua/thutuc.jsonl     every version of every procedure (41; Decree 42/2022 history)
    motcua/hoso.jsonl       every version of every dossier received 2022-2025 (a few thousand)
    expected.json           report_figures.md shape for 2025 as of 2025-12-31, "quarantine",
                            and the Decision 766 indicators counted from the records

Only the one-stop source is in it (no eoffice/, csdl_moet/, sis/). Every version has a
change time at or before the clock (2025-12-31 23:59:59), so the state at the clock is
the final state. Deterministic: seeded ``random.Random``, no wall clock.

The history it tells (contracts/motcua.md "Fields since 2022"):

- the catalogue: a version of December 2021 with ``MucDo`` only, the Decree 42/2022
  re-publication of 20 September 2022 (``DVCTrucTuyen``, ``DuDieuKienToanTrinh``,
  ``CoPhiLePhi``, ``YeuCauKetQuaGiay``, ``ThoiHanGiaiQuyet``, ``DonViTinh``; ``MucDo``
  kept in step: ``toan_trinh`` 4, ``mot_phan`` 3) and three later decisions (April 2023,
  March 2024, October 2024) that raise more procedures; three procedures never get a
  post-Decree-42 version (one of them at ``MucDo`` 3: it counts as ``mot_phan``); one
  rename in May 2025. Online services no longer change during 2025, so a warehouse
  that snapshotted the catalogue only on the as-of night sees the same 2025 catalogue;
- dossiers received before July 2022 carry none of the new fields (and half of them no
  ``QuaTrinhXuLy``); from July 2022 on every version carries them and its steps;
- online submission, online payment, digitised components, reuse of digitised data and
  of the citizen's data store, electronic results all rise year by year;
- supplement round trips (status 5, then 4 when the applicant supplements), some twice,
  some still waiting at the end of 2025; pauses (status 6); results handed back
  without a status-9 step (status 10 straight away);
- ``NgayHenTra`` at 17:00, 16:30 or 11:00; dossiers finished on their due day but after
  the due time (on time for Biểu 06, late for 2.1); dossiers with no ``NgayHenTra``;
  fees of 0 (exempt applicants, a zero-priced second item); withdrawn and stopped
  dossiers; online submissions never received; refused submissions (status 3, never
  with ``NgayTiepNhan``);
- the contract's mess: ``""`` and ``null`` for "not reached yet", some 2022 dossiers in
  ``dd/MM/yyyy HH:mm:ss``, NFD names in some versions, and invalid single-version rows
  of the four kinds motcua.md lists (counted in ``expected.json`` "quarantine").

How ``figures.count_indicators`` counts (an independent reading of contracts/indicators_766.md;
it imports nothing from ``eduwh.extract``, ``eduwh.land`` or ``eduwh.report``):

- Records: invalid dossier versions are dropped (the four quarantine reasons of
  ``motcua_dataset.figures.invalid_reason``); each dossier is its latest remaining version with
  ``NgayCapNhat`` at or before the clock (the end of the as-of day).
- Period: a calendar month (or year) by local date, cut at the as-of date; ``cut`` is
  23:59:59 of the period's last day. The catalogue of a period is, for each ``MaTTHC``
  of the agency (``CoQuanThucHien``), its latest version with ``NgayCapNhat`` <= ``cut``;
  a dossier's procedure flags (``YeuCauKetQuaGiay``, ``CoPhiLePhi``, ``ThoiHanGiaiQuyet``,
  ``DonViTinh``) come from that catalogue; a flag that is missing is unknown and
  counts as not true (in this data set the flags never change once published).
- "Received" as in motcua.md: ``NgayTiepNhan`` set and the latest status not in the
  group ``not_received`` (1, 3). "In the period" for 2.2, 3.3, 4.1-4.4: received with
  date(``NgayTiepNhan``) in the period; for 3.6 ("started"): received, with
  date(``NgayNopHoSo``, else ``NgayTiepNhan``) in the period. Their state (result links,
  payment) is the state at the clock.
- Working days: Monday to Friday and not a holiday of ``holidays``' Vietnam calendar
  (pinned; its swapped days off such as 2025-05-02 included). As the contract says,
  every Saturday is excluded, also one that the government declares a working day in
  exchange (the package knows them as ``weekend_workdays``: 2024-05-04, 2025-04-26).
  A duration in working days is the part of the interval that falls on working days
  (24-hour days, to the second) divided by 24 h.
- Steps: ``QuaTrinhXuLy`` in the order given, only those with ``ThoiDiem`` <= ``cut``.
  End of processing: the time of the first step with status 9, else the first with 10,
  else the first with 8, 3 or 7; no such step: unfinished. Without steps,
  ``NgayKetThucXuLy`` (when <= ``cut``) and no supplement. Supplements: walking the steps
  before the end, a status-5 step opens a request (consecutive 5s are one request), the
  next step of another status closes it; the time between is supplement time. An
  unfinished dossier whose request is still open at ``cut`` ends at the request's time;
  an unfinished one otherwise ends at ``cut``.
- 2.1: universe = received dossiers with date(``NgayTiepNhan``) <= the period's last day
  that either ended (any end status, withdrawn and stopped included) on a date in the
  period, or are unfinished at ``cut``. On time: at most one supplement request and
  (end − supplement time) <= ``NgayHenTra`` as timestamps; with no ``NgayHenTra``: the
  processing time <= ``ThoiHanGiaiQuyet`` in its ``DonViTinh`` (``ngay_lam_viec``: working
  days as above; ``ngay``: calendar days; ``gio``: hours), unknown limit: late.
  Numerator = on time, denominator = universe; rate two decimals; no threshold.
- 2.2: received in the period whose end, by the end of the period (``cut``, as for 2.1),
  is a status 9 or 10 step; processing time = working days(``NgayTiepNhan``, end) − working
  days of each supplement interval. Numerator = the sum (two decimals), denominator =
  the count, rate = the average in working days with one decimal (not a percentage);
  per procedure in ``indicators_766_details``; no threshold.
- 3.1: the period's catalogue; numerator = procedures whose ``DVCTrucTuyen`` is
  ``toan_trinh`` or ``mot_phan`` (a version without the key: ``MucDo`` 4 / 3),
  denominator = catalogue size; threshold 80. Details ``3.1_full_online``: ``toan_trinh``
  (same rule) / procedures with ``DuDieuKienToanTrinh`` true.
- 3.3: received in the period; numerator = ``KenhThucHien`` ``2`` and, when the procedure
  has ``YeuCauKetQuaGiay``, ``MaKetQua`` and ``DuongDanTepTinKetQua`` both non-empty;
  threshold 50. Details ``3.3_direct`` (``1`` or empty) and ``3.3_postal`` (``3``) over the
  same denominator.
- 3.6: started in the period (above), procedure with ``CoPhiLePhi`` true, and some
  ``DanhSachPhiLePhi`` item with ``Gia`` > 0 (an empty list is "every item 0"; a missing
  list is unknown and stays in; the data set writes neither for a fee procedure);
  numerator = ``DuocThanhToanTrucTuyen`` 1 or 2.
- 4.1: received in the period of procedures with ``YeuCauKetQuaGiay``; numerator = a
  non-empty ``DuongDanTepTinKetQua``.
- 4.2: received in the period; numerator = some ``TaiLieuNop`` item with a non-empty
  ``DuongDan`` and, when the procedure has ``YeuCauKetQuaGiay``, a non-empty
  ``DuongDanTepTinKetQua``; threshold 80.
- 4.3: received in the period; numerator = ``HoSoCoThanhPhanSoHoa`` 1 or some
  ``TaiLieuNop.DuocSoHoa`` 1; threshold 80.
- 4.4: received in the period; numerator = some ``TaiLieuNop.DuocLayTuKhoDMQG`` 1.
- Rate = numerator / denominator × 100 rounded half up to two decimals, ``null`` when the
  denominator is 0; score ratio = min(1, rate / threshold) from the rounded rate, four
  decimals, ``null`` without threshold or rate.

Modules: ``catalogue`` (the agency, dates and the procedure catalogue since 2022),
``working_days``, ``dossiers`` (every dossier and its versions), ``figures`` (the
independent count of the indicators) and ``generator`` (the files and expected.json).
"""

from eduwh_sandbox.indicators_dataset.generator import generate

__all__ = ["generate"]
