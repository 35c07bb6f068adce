"""The analytic store (DuckDB): evidence tables written by ingest, findings by analyse."""
