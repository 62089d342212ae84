"""e-Office: incoming and outgoing documents of the night and their edXML headers into `raw`."""

# An Airflow DAG file (the DAG processor's safe mode reads files naming "airflow" and "dag").

from eduwh.airflow.dags import EOFFICE_DOCUMENTS, EOFFICE_EDXML_HEADERS, FULL_REFRESH, source_dag

dag = source_dag(
    "eoffice_documents",
    land="eduwh.land.eoffice:land_night",
    pool="eoffice",
    outlets=[EOFFICE_DOCUMENTS, EOFFICE_EDXML_HEADERS],
    params=FULL_REFRESH,
    doc=__doc__,
)
