"""The cleanup report: its data read once and its summary worded (summary), shown as static
sections with charts (sections, charts), written as CSV and XLSX files (exports) and as one
HTML page (page, scheduled). Notebooks, panels and the `numkit report` command all go
through here.

Kept free of imports: the core reads query results through `frames`, and must not pull in
the report's sections (and matplotlib) to do so."""
