"""Writing report tables to files an analyst opens: one CSV each, one XLSX workbook."""

from pathlib import Path

import pandas as pd

WORKBOOK = "numkit-report.xlsx"


def _for_spreadsheet(frame):
    frame = frame.copy()
    for column in frame.columns:
        if str(frame[column].dtype).startswith("datetime") and getattr(frame[column].dt, "tz", None):
            frame[column] = frame[column].dt.tz_localize(None)
    return frame


def write_tables(tables, out_dir):
    """Write {name: DataFrame} as name.csv files and one workbook with a sheet per table."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False)
        written.append(path)
    workbook = out / WORKBOOK
    with pd.ExcelWriter(workbook, engine="openpyxl") as book:
        for name, frame in tables.items():
            _for_spreadsheet(frame).to_excel(book, sheet_name=name[:31], index=False)
    written.append(workbook)
    return written
