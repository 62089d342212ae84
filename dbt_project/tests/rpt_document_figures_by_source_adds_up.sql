-- The shares of a report's document figures add up to the report's own figures.

with

shares as (

    select
        reporting_agency_code,
        as_of_date,
        sum(documents_incoming) as incoming,
        sum(documents_outgoing) as outgoing,
        sum(documents_via_axis) as via_axis
    from {{ ref('rpt_document_figures_by_source') }}
    group by reporting_agency_code, as_of_date

)

select
    figures.agency_code,
    figures.as_of_date
from {{ ref('rpt_document_figures') }} as figures
left join shares
    on
        figures.agency_code = shares.reporting_agency_code
        and figures.as_of_date = shares.as_of_date
where
    shares.incoming is distinct from figures.documents_incoming
    or shares.outgoing is distinct from figures.documents_outgoing
    or shares.via_axis is distinct from figures.documents_via_axis
