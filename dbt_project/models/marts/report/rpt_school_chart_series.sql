{#-
    The report's school chart as series (long format, like rpt_dossier_chart_series), one
    row per agency, school year and declared school-management software (category;
    'none' when the school declares none): schools_by_software, most schools first.
-#}

with

schools as (

    select
        agency_code,
        school_year,
        coalesce(declared_software, 'none') as software
    from {{ ref('dim_school') }}

),

counted as (

    select
        agency_code,
        school_year,
        software,
        count(*) as schools
    from schools
    group by agency_code, school_year, software

)

select
    agency_code,
    school_year::text as school_year,
    'schools_by_software'::text as chart_key,
    (row_number() over (
        partition by agency_code, school_year order by schools desc, software asc
    ))::int as category_order,
    software::text as category_code,
    'schools'::text as series_code,
    schools::int as series_value
from counted
