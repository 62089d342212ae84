{#- Generic test: every row satisfies `expression` (rows that do not are the failures). -#}
{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not ({{ expression }})
{% endtest %}
