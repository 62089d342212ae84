{#-
    The dossier counts of the annual report over rows of int_dossier_as_of (one rule:
    contracts/motcua.md "Figures"), for a mart to group as it needs: rpt_dossier_figures
    by reporting agency, rpt_dossier_figures_by_source also by the receiving agency.
-#}
{% macro dossier_counts() -%}
        count(*) as received,
        count(*) filter (where receipt_class = 'received_new') as received_new,
        count(*) filter (where receipt_class = 'carried_over') as carried_over,
        count(*) filter (
            where receipt_class = 'received_new' and channel_code = '2'
        ) as received_online,
        count(*) filter (
            where receipt_class = 'received_new' and channel_code = '1'
        ) as received_direct,
        count(*) filter (
            where receipt_class = 'received_new' and channel_code = '3'
        ) as received_bcci,
        count(*) filter (where outcome = 'resolved') as resolved,
        count(*) filter (where outcome = 'resolved' and timeliness = 'early') as resolved_early,
        count(*) filter (
            where outcome = 'resolved' and timeliness = 'on_time'
        ) as resolved_on_time,
        count(*) filter (where outcome = 'resolved' and timeliness = 'late') as resolved_late,
        count(*) filter (where outcome = 'in_progress') as in_progress,
        count(*) filter (
            where outcome = 'in_progress' and timeliness = 'within_due'
        ) as in_progress_within_due,
        count(*) filter (
            where outcome = 'in_progress' and timeliness = 'overdue'
        ) as in_progress_overdue,
        count(*) filter (where outcome = 'withdrawn') as withdrawn,
        count(*) filter (where outcome = 'stopped') as stopped,
        count(*) filter (where is_returned_via_bcci) as returned_via_bcci,
        count(distinct procedure_code) filter (
            where receipt_class = 'received_new'
        ) as procedures_with_dossiers,
        count(distinct procedure_code) filter (
            where receipt_class = 'received_new' and channel_code = '3'
        ) as procedures_with_bcci_dossiers
{%- endmacro %}
