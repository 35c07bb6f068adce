"""Ingest: seized sources into the evidence tables."""
