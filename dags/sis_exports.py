"""SMAS / vnEdu: the night's deliveries in the drop folder into `raw` (no logic here).

Lands every delivery not landed yet whose stamp is before the end of the night.
"""

# An Airflow DAG file (the DAG processor's safe mode reads files naming "airflow" and "dag").

from eduwh.airflow.dags import SIS_DELIVERIES, source_dag

dag = source_dag(
    "sis_exports",
    land="eduwh.land.schools:land_sis_night",
    pool="sis",
    outlets=[SIS_DELIVERIES],
    task_id="load",
    doc=__doc__,
)
