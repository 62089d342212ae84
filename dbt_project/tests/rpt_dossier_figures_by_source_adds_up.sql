-- The shares of a report's dossier figures add up to the report's own figures.

with

shares as (

    select
        reporting_agency_code,
        as_of_date,
        sum(dossiers_received) as received,
        sum(dossiers_resolved) as resolved,
        sum(dossiers_in_progress) as in_progress
    from {{ ref('rpt_dossier_figures_by_source') }}
    group by reporting_agency_code, as_of_date

)

select
    figures.agency_code,
    figures.as_of_date
from {{ ref('rpt_dossier_figures') }} as figures
left join shares
    on
        figures.agency_code = shares.reporting_agency_code
        and figures.as_of_date = shares.as_of_date
where
    shares.received is distinct from figures.dossiers_received
    or shares.resolved is distinct from figures.dossiers_resolved
    or shares.in_progress is distinct from figures.dossiers_in_progress
