"""Hash sets: Project VIC VICS 2.0 JSON, ICSE-style CSV, plain hash lists and NSRL RDSv3 (as "known")."""
