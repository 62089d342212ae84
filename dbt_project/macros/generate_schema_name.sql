{#-
    Use a model's custom schema name as is (`staging`, `marts`, ...), not prefixed with
    the target schema: the warehouse's schemas and their grants are fixed by the
    bootstrap (eduwh.warehouse.bootstrap), dbt does not invent new ones.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
