{#-
    A source timestamp (text) as timestamptz. The one-stop portal writes local time of
    Vietnam (var `source_timezone`) with no offset, either `yyyyMMddHHmmss` or, from
    older client software, `dd/MM/yyyy HH:mm:ss`; empty string or null = not reached.
    make_timestamptz from the parts: independent of the session's TimeZone and DateStyle.
-#}
{% macro parse_vn_timestamp(expression) -%}
    {%- set value = "nullif(btrim(" ~ expression ~ "), '')" -%}
    {%- set day_part = "split_part(" ~ value ~ ", ' ', 1)" -%}
    {%- set time_part = "split_part(" ~ value ~ ", ' ', 2)" -%}
    {%- set tz = var('source_timezone') -%}
    case
        when {{ value }} is null then null
        when {{ value }} ~ '^[0-9]{14}$'
            then make_timestamptz(
                substr({{ value }}, 1, 4)::int,
                substr({{ value }}, 5, 2)::int,
                substr({{ value }}, 7, 2)::int,
                substr({{ value }}, 9, 2)::int,
                substr({{ value }}, 11, 2)::int,
                substr({{ value }}, 13, 2)::double precision,
                '{{ tz }}'
            )
        else make_timestamptz(
            split_part({{ day_part }}, '/', 3)::int,
            split_part({{ day_part }}, '/', 2)::int,
            split_part({{ day_part }}, '/', 1)::int,
            coalesce(nullif(split_part({{ time_part }}, ':', 1), ''), '0')::int,
            coalesce(nullif(split_part({{ time_part }}, ':', 2), ''), '0')::int,
            coalesce(nullif(split_part({{ time_part }}, ':', 3), ''), '0')::double precision,
            '{{ tz }}'
        )
    end
{%- endmacro %}


{#- The local calendar date (var `source_timezone`) of a timestamptz. -#}
{% macro local_date(expression) -%}
    ({{ expression }} at time zone '{{ var("source_timezone") }}')::date
{%- endmacro %}
