-- The report figures and Biểu 06 come from the same rows: summed over fields, Biểu 06
-- gives the dossier figures of every (agency, year, as-of date). Rows returned = failures.

with

bieu as (

    select
        agency_code,
        report_year,
        as_of_date,
        sum(received_total) as received,
        sum(resolved_total) as resolved,
        sum(resolved_late) as resolved_late,
        sum(in_progress_total) as in_progress
    from {{ ref('rpt_bieu_06_kstt') }}
    group by agency_code, report_year, as_of_date

)

select
    figures.agency_code,
    figures.report_year,
    figures.as_of_date
from {{ ref('rpt_dossier_figures') }} as figures
left join bieu
    on
        figures.agency_code = bieu.agency_code
        and figures.report_year = bieu.report_year
        and figures.as_of_date = bieu.as_of_date
where
    coalesce(bieu.received, 0) != figures.dossiers_received
    or coalesce(bieu.resolved, 0) != figures.dossiers_resolved
    or coalesce(bieu.resolved_late, 0) != figures.dossiers_resolved_late
    or coalesce(bieu.in_progress, 0) != figures.dossiers_in_progress
