{#-
    A keyed pseudonym of personal data: hex(sha256(key || sha256(key || NFC(trim(value))))).

    - Keyed (EDUWH_PSEUDONYM_KEY, from `Settings.pseudonym_key()`): without the key nobody
      can recompute a pseudonym from a guessed name or identity number.
    - The key is a session setting, never SQL text: `eduwh.warehouse.dbt.dbt_environment`
      sends it at connection time (PGOPTIONS='-c eduwh.pseudonym_key=...'), the compiled
      SQL reads `current_setting('eduwh.pseudonym_key')`. So the key is in no compiled
      SQL, no statement in dbt's log, no manifest, no pg_stat_statements. Models that call
      this macro are still tables, never views: a view would compute in the reader's
      session, which has no key.
    - Nested hashing, the shape of HMAC: a plain sha256(key || value) would be open to
      length extension. HMAC itself (pgcrypto's `hmac()`) is not used: the transformer
      role may not create extensions on a managed server; core `sha256()` (PG 11+) is
      enough.
    - Unicode NFC first, so a name sent composed (NFC) and decomposed (NFD) gives the
      same pseudonym.
    - No key, no pseudonyms: without the setting the SQL fails when it computes one,
      saying why (the message is built from the setting so that the planner cannot fold
      it into an error before the first row).
-#}
{% macro pseudonym(expression) -%}
    {%- set value = "nullif(normalize(btrim(" ~ expression ~ "), nfc), '')" -%}
    {%- set key -%}
        convert_to(
            coalesce(
                nullif(current_setting('eduwh.pseudonym_key', true), ''),
                cast(
                    'EDUWH_PSEUDONYM_KEY is not set: no pseudonyms without the key'
                    || coalesce(current_setting('eduwh.pseudonym_key', true), '') as integer
                )::text
            ),
            'UTF8'
        )
    {%- endset -%}
    case
        when {{ value }} is null then null
        else encode(
            sha256({{ key }} || sha256({{ key }} || convert_to({{ value }}, 'UTF8'))),
            'hex'
        )
    end
{%- endmacro %}
