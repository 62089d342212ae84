with

days as (

    select day::date as date_day
    from generate_series(
        '{{ var("date_spine_start") }}'::date,
        '{{ var("date_spine_end") }}'::date,
        interval '1 day'
    ) as spine (day)

)

select
    date_day,
    to_char(date_day, 'YYYYMMDD')::int as date_key,
    extract(year from date_day)::int as year,
    extract(quarter from date_day)::int as quarter,
    extract(month from date_day)::int as month,
    (array[
        'Tháng Một', 'Tháng Hai', 'Tháng Ba', 'Tháng Tư', 'Tháng Năm', 'Tháng Sáu',
        'Tháng Bảy', 'Tháng Tám', 'Tháng Chín', 'Tháng Mười', 'Tháng Mười Một',
        'Tháng Mười Hai'
    ])[extract(month from date_day)::int] as month_name_vi,
    'Tháng ' || extract(month from date_day)::int as month_label_vi,
    extract(day from date_day)::int as day_of_month,
    extract(isodow from date_day)::int as iso_day_of_week,
    (array[
        'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ Nhật'
    ])[extract(isodow from date_day)::int] as day_name_vi,
    extract(isoyear from date_day)::int as iso_year,
    extract(week from date_day)::int as iso_week,
    extract(isodow from date_day) in (6, 7) as is_weekend,
    -- The school year starts on 1 September: August still belongs to the ending year.
    case
        when extract(month from date_day) >= 9
            then extract(year from date_day)::int || '-' || extract(year from date_day)::int + 1
        else extract(year from date_day)::int - 1 || '-' || extract(year from date_day)::int
    end as school_year
from days
