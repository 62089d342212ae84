{#- Seeds load in one INSERT per batch, its placeholders written at once: dbt's own
    default__load_csv_rows writes each row's and each value's placeholder in a Jinja
    loop, which took 16 s of every night's build for the 10,597 rows of
    admin_units_crosswalk_2025 (issue 11); the statement sent is the same. -#}
{% macro postgres__load_csv_rows(model, agate_table) %}
  {%- set cols_sql = get_seed_column_quoted_csv(model, agate_table.column_names) -%}
  {%- set row_sql = '(' ~ ([get_binding_char()] * (agate_table.column_names | length)) | join(', ') ~ ')' -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
    {%- set bindings = [] -%}
    {%- for row in chunk -%}
      {%- do bindings.extend(row) -%}
    {%- endfor -%}
    {%- set sql = 'insert into ' ~ this.render() ~ ' (' ~ cols_sql ~ ') values '
        ~ ([row_sql] * (chunk | length)) | join(', ') -%}
    {%- do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) -%}
    {%- if loop.first -%}
      {%- do statements.append(sql) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(statements[0]) }}
{% endmacro %}
