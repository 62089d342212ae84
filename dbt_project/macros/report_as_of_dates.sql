{#-
    The as-of dates asked for (var `report_as_of_dates`, a list of 'YYYY-MM-DD'; a
    comma-separated string is accepted too) as a query of one column `as_of_date`.
    Empty: the environment's EDUWH_REPORT_AS_OF (how Airflow runs pass the night's
    date), else the last complete day in Vietnam (var `source_timezone`): yesterday.
-#}
{% macro report_as_of_dates() -%}
    {%- set requested = var('report_as_of_dates', []) or env_var('EDUWH_REPORT_AS_OF', '') -%}
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
    {%- if dates | length == 0 -%}
        select (now() at time zone '{{ var("source_timezone") }}')::date - 1 as as_of_date
    {%- else -%}
        select distinct requested.as_of_date::date as as_of_date
        from (values {% for d in dates %}('{{ d }}'){% if not loop.last %}, {% endif %}{% endfor %}) as requested (as_of_date)
    {%- endif -%}
{%- endmacro %}
