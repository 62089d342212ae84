{#-
    The as-of dates asked for (var `report_as_of_dates`, a list of 'YYYY-MM-DD'; a
    comma-separated string is accepted too) as a query of one column `as_of_date`.
    Empty: the night of the Airflow run
    (var `report_night`, the run's ISO moment: it reports the day before its local
    date, so a re-run of an old night builds that night), else yesterday in Vietnam.
-#}
{% macro report_as_of_dates() -%}
    {%- set requested = var('report_as_of_dates', []) -%}
    {%- if requested is string -%}
        {%- set requested = requested.split(',') -%}
    {%- endif -%}
    {%- set dates = [] -%}
    {%- for value in (requested or []) -%}
        {%- set text = (value | string) | trim -%}
        {%- if text -%}
            {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
                {{ exceptions.raise_compiler_error(
                    "report_as_of_dates: '" ~ text ~ "' is not a date written YYYY-MM-DD") }}
            {%- endif -%}
            {%- do dates.append(text) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set night = var('report_night', '') -%}
    {%- if dates | length == 0 and night -%}
        select (('{{ night }}'::timestamptz at time zone '{{ var("source_timezone") }}')::date - 1)
            as as_of_date
    {%- elif dates | length == 0 -%}
        select (now() at time zone '{{ var("source_timezone") }}')::date - 1 as as_of_date
    {%- else -%}
        select distinct requested.as_of_date::date as as_of_date
        from (values {% for d in dates %}('{{ d }}'){% if not loop.last %}, {% endif %}{% endfor %}) as requested (as_of_date)
    {%- endif -%}
{%- endmacro %}
