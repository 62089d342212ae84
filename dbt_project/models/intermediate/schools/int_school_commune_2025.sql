{{ config(tags=['schools']) }}
-- The 2025 commune of every school and school year of the csdl.moet school lists, so schools compare across
-- years by the units of 2025 (contracts/agencies.md): exports after 1 July 2025 already
-- name the new commune (their district is empty); older ones name the district and the
-- commune of their time, looked up in the crosswalk seed (admin_units_crosswalk_2025,
-- with its legal source) within the agency's province. An old commune split over
-- several new ones takes the crosswalk's default; a name the crosswalk does not know
-- stays unmatched (null), never guessed.

with

schools as (

    select
        schools.school_year || ':' || schools.school_code as school_year_key,
        schools.district,
        schools.commune,
        agencies.province_code,
        agencies.province_name
    from {{ ref('stg_csdl_moet__truong') }} as schools
    left join {{ ref('dim_agency') }} as agencies
        on schools.agency_code = agencies.agency_code and agencies.is_current

),

crosswalk as (

    select
        *,
        {{ admin_unit_key('old_province_name') }} as old_province_key,
        {{ admin_unit_key('new_commune_name') }} as new_commune_key
    from {{ ref('admin_units_crosswalk_2025') }}

),

new_communes as (

    select distinct
        new_province_code,
        new_province_name,
        new_commune_code,
        new_commune_name,
        new_commune_key
    from crosswalk

),

matches as (

    -- before the reorganisation: (province, district, commune) of the school's time
    select
        schools.school_year_key,
        crosswalk.new_commune_code,
        crosswalk.new_commune_name,
        'crosswalk' as commune_2025_source,
        row_number() over (
            partition by schools.school_year_key
            order by crosswalk.is_default_new_commune desc, crosswalk.new_commune_code asc
        ) as match_rank
    from schools
    inner join crosswalk
        on
            (
                schools.province_code = crosswalk.old_province_code
                or (
                    schools.province_code is null
                    and {{ admin_unit_key('schools.province_name') }} = crosswalk.old_province_key
                )
            )
            and {{ admin_unit_key('schools.district') }} = crosswalk.old_district_key
            and {{ admin_unit_key('schools.commune') }} = crosswalk.old_commune_key
    where schools.district is not null

    union all

    -- after it: the export names the 2025 commune itself
    select
        schools.school_year_key,
        new_communes.new_commune_code,
        new_communes.new_commune_name,
        'export' as commune_2025_source,
        row_number() over (
            partition by schools.school_year_key order by new_communes.new_commune_code
        ) as match_rank
    from schools
    inner join new_communes
        on
            (
                schools.province_code = new_communes.new_province_code
                or (
                    schools.province_code is null
                    and {{ admin_unit_key('schools.province_name') }}
                    = {{ admin_unit_key('new_communes.new_province_name') }}
                )
            )
            and {{ admin_unit_key('schools.commune') }} = new_communes.new_commune_key
    where schools.district is null

)

select
    schools.school_year_key,
    matches.new_commune_code as commune_2025_code,
    matches.new_commune_name as commune_2025_name,
    coalesce(matches.commune_2025_source, 'unmatched') as commune_2025_source
from schools
left join matches
    on schools.school_year_key = matches.school_year_key and matches.match_rank = 1
