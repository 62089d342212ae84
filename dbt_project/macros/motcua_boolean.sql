{#-
    A boolean of the one-stop portal (true/false, 0/1 or their text) as boolean; null,
    missing or empty = unknown (null), never false (contracts/motcua.md, "Fields since 2022").
-#}
{% macro motcua_boolean(expression) -%}
    case
        when lower(btrim({{ expression }})) in ('true', '1', 't') then true
        when lower(btrim({{ expression }})) in ('false', '0', 'f') then false
    end
{%- endmacro %}
