{#-
    The document counts of the annual report over documents of a report's period (one
    rule: contracts/report_figures.md "documents"), for a mart to group as it needs:
    rpt_document_figures by reporting agency, rpt_document_figures_by_source also by the
    agency whose e-Office holds them. Needs the columns is_secret, direction, is_signed,
    is_via_axis, due_date, completed_date and effective_as_of_date.
-#}
{% macro document_counts() -%}
        count(*) filter (where not is_secret and direction = 'incoming') as incoming,
        count(*) filter (where not is_secret and direction = 'outgoing') as outgoing,
        count(*) filter (where is_secret) as secret_excluded,
        count(*) filter (
            where not is_secret and direction = 'incoming' and is_signed
        ) as incoming_signed,
        count(*) filter (
            where not is_secret and direction = 'outgoing' and is_signed
        ) as outgoing_signed,
        count(*) filter (where not is_secret and is_via_axis) as via_axis,
        count(*) filter (
            where not is_secret and due_date is not null
            and completed_date <= least(due_date, effective_as_of_date)
        ) as processed_on_time
{%- endmacro %}
