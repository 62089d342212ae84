{#-
    A keyed pseudonym of personal data: hex(sha256(key || sha256(key || NFC(trim(value))))).

    - Keyed (env var EDUWH_PSEUDONYM_KEY, from `Settings.pseudonym_key()`): without the
      key nobody can recompute a pseudonym from a guessed name or identity number.
    - Nested hashing, the shape of HMAC: a plain sha256(key || value) would be open to
      length extension. HMAC itself (pgcrypto's `hmac()`) is not available: the embedded
      PostgreSQL wheel ships no contrib extensions, and the transformer role may not
      create extensions on a managed server either; core `sha256()` (PG 11+) is enough.
    - Unicode NFC first, so a name sent composed (NFC) and decomposed (NFD) gives the
      same pseudonym.
    - The key is inlined in the compiled SQL: models that call this macro are tables,
      never views, because every role can read a view's definition in pg_views.
      Compiled SQL and logs stay under the state folder (DBT_TARGET_PATH, DBT_LOG_PATH).
    - No key, no pseudonyms: without EDUWH_PSEUDONYM_KEY the project still parses (so
      `dbt parse` and the linter work), but the SQL fails when it runs, saying why.
-#}
{% macro pseudonym(expression) -%}
    {%- set key = env_var('EDUWH_PSEUDONYM_KEY', '') | replace("'", "''") -%}
    {%- set value = "nullif(normalize(btrim(" ~ expression ~ "), nfc), '')" -%}
    {%- if key == '' -%}
    cast('EDUWH_PSEUDONYM_KEY is not set: no pseudonyms without the key' as integer)::text
    {%- else -%}
    case
        when {{ value }} is null then null
        else encode(
            sha256(
                convert_to('{{ key }}', 'UTF8')
                || sha256(convert_to('{{ key }}', 'UTF8') || convert_to({{ value }}, 'UTF8'))
            ),
            'hex'
        )
    end
    {%- endif -%}
{%- endmacro %}
