"""Segments and lists: config (segments_config), allow-listed columns (columns), the compiler of conditions into one
DuckDB select (condition_sql), list files (list_files), the three tables and their history (membership), and the
Dagster asset (segment_assets)."""
