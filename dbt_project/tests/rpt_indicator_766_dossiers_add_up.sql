-- The per-dossier mart adds up to the indicator mart: for every indicator it lists,
-- period, agency and as-of date, the dossiers in the numerator and in the denominator are
-- the indicator's numerator and denominator (either side missing counts as 0).

with

listed as (

    select
        agency_code,
        indicator_id,
        period_kind,
        period_start,
        as_of_date,
        count(*) filter (where is_in_numerator) as numerator,
        count(*) as denominator
    from {{ ref('rpt_indicator_766_dossiers') }}
    group by agency_code, indicator_id, period_kind, period_start, as_of_date

),

counted as (

    select
        agency_code,
        indicator_id,
        period_kind,
        period_start,
        as_of_date,
        numerator,
        denominator
    from {{ ref('rpt_indicators_766') }}
    where
        breakdown = 'all'
        and indicator_id in (
            select distinct dossiers.indicator_id
            from {{ ref('rpt_indicator_766_dossiers') }} as dossiers
        )

)

select
    coalesce(counted.agency_code, listed.agency_code) as agency_code,
    coalesce(counted.indicator_id, listed.indicator_id) as indicator_id,
    coalesce(counted.period_kind, listed.period_kind) as period_kind,
    coalesce(counted.period_start, listed.period_start) as period_start,
    coalesce(counted.as_of_date, listed.as_of_date) as as_of_date,
    counted.numerator as mart_numerator,
    counted.denominator as mart_denominator,
    listed.numerator as dossier_numerator,
    listed.denominator as dossier_denominator
from counted
full outer join listed
    on
        counted.agency_code = listed.agency_code
        and counted.indicator_id = listed.indicator_id
        and counted.period_kind = listed.period_kind
        and counted.period_start = listed.period_start
        and counted.as_of_date = listed.as_of_date
where
    coalesce(counted.numerator, 0) <> coalesce(listed.numerator, 0)
    or coalesce(counted.denominator, 0) <> coalesce(listed.denominator, 0)
