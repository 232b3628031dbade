"""The cleanup report: its data read once and its summary worded (summary), shown as static
sections with charts (sections, charts, display), its headline figures counted once
(headline), written as CSV and XLSX files (exports, workbook) and as one
HTML page (page, scheduled). Notebooks, panels and the `numkit report` command all go
through here.

The reports use the API (`numkit.inventory`); the core never imports this package."""
