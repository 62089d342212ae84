"""What the DAG files declare with: Assets, default arguments, alerts, the night's timing
and the source-DAG factory (`dags`), and the warehouse DAG's dbt build group (`dbt_groups`).
Imported by Airflow's parsers: nothing here calls dbt or a database at import time."""
