{{ config(tags=['report']) }}
{#-
    The manual figures of the annual report (seed manual_figures, reviewed by hand):
    one row per agency and report year, one column per figure key, named
    manual_<key> (section + '_' + key, as the other rpt_ marts). A key without a row
    for that year is null (never invented).
-#}

with

manual as (

    select * from {{ ref('manual_figures') }}

),

{%- set keys = [
    'portal_posts_previous_year', 'portal_posts', 'email_accounts',
    'ict_staff', 'ict_staff_full_time', 'ict_staff_part_time',
    'internet_lines', 'internet_lines_vnpt', 'internet_lines_viettel',
    'one_stop_staff', 'one_stop_staff_official', 'one_stop_staff_backup',
    'online_services_planned_level_3', 'plan_tasks_2020_decision_done',
] %}

pivoted as (

    select
        agency_code,
        year as report_year,
        {%- for key in keys %}
            max(value) filter (where figure = '{{ key }}') as {{ key }},
        {%- endfor %}
        jsonb_object_agg(figure, source_document) as source_documents,
        string_agg(distinct reviewed_by, '; ') as reviewed_by,
        max(reviewed_on) as reviewed_on
    from manual
    group by agency_code, year

)

select
    agency_code::text as agency_code,
    report_year::int as report_year,
    {%- for key in keys %}
        {{ key }}::int as manual_{{ key }},
    {%- endfor %}
    source_documents::jsonb as source_documents,
    reviewed_by::text as reviewed_by,
    reviewed_on::date as reviewed_on
from pivoted
