"""Loading exports: reading the files (CSV, XLSX), checking them, writing a snapshot all or
nothing, reconciling the changes pending since the last load, forgetting a load."""
