{{ config(tags=['report']) }}
-- The plan tasks of the annual report (seed plan_tasks, reviewed by hand), in report order.

with

tasks as (

    select * from {{ ref('plan_tasks') }}

)

select
    agency_code::text as agency_code,
    year::int as report_year,
    plan_code::text as plan_code,
    plan_title::text as plan_title,
    sort_order::int as sort_order,
    nullif(task_no, '')::text as task_no,
    task_name::text as task_name,
    content::text as content,
    result::text as result,
    source_document::text as source_document,
    reviewed_by::text as reviewed_by,
    reviewed_on::date as reviewed_on
from tasks
