"""csdl.moet: the province's school, class, pupil and staff exports into `raw` (no logic here).

Lists the exports of the school year and lands only the files whose sha256 changed.
"""

# An Airflow DAG file (the DAG processor's safe mode reads files naming "airflow" and "dag").

from airflow.sdk import Param

from eduwh.airflow.dags import CSDL_MOET_EXPORTS, source_dag

dag = source_dag(
    "moet_school_db",
    land="eduwh.land.schools:land_moet_night",
    pool="csdl_moet",
    outlets=[CSDL_MOET_EXPORTS],
    params={
        "school_year": Param(
            None, type=["null", "string"], description="YYYY-YYYY; default: the night's"
        )
    },
    doc=__doc__,
)
