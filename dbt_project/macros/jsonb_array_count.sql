{#-
    How many items of a jsonb array satisfy `condition` (SQL on `item`, each element;
    every item when none is given); null when `array` is missing or not an array
    (unknown, not 0: contracts/motcua.md, "Fields since 2022").
-#}
{% macro jsonb_array_count(array, condition=none) -%}
    case
        when jsonb_typeof({{ array }}) = 'array'
            then (
                select count(*)::int
                from jsonb_array_elements({{ array }}) as elements (item)
                {%- if condition %}
                    where {{ condition }}
                {%- endif %}
            )
    end
{%- endmacro %}
