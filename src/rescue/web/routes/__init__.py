"""The workbench's routes, one module per area."""
