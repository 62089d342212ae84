"""One-stop portal: procedures and dossiers of the night into `raw` (no logic here)."""

# An Airflow DAG file (the DAG processor's safe mode reads files naming "airflow" and "dag").

from eduwh.airflow.dags import FULL_REFRESH, MOTCUA_CATALOGUE, MOTCUA_DOSSIERS, source_dag

dag = source_dag(
    "motcua_dossiers",
    land="eduwh.land.motcua:land_night",
    pool="motcua",
    outlets=[MOTCUA_CATALOGUE, MOTCUA_DOSSIERS],
    params=FULL_REFRESH,
    doc=__doc__,
)
