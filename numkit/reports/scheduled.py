"""The scheduled report: the cleanup report's sections rendered straight to an HTML page
(no notebook kernel), beside its CSV and XLSX files, and, when asked for, the same sections
as a notebook."""

import json
from pathlib import Path

from ..notebook_files import with_kernel_metadata
from ..staging import Staging
from .exports import file_names
from .page import page
from .sections import CleanupReport

NOTEBOOK, PAGE = "cleanup-report.ipynb", "cleanup-report.html"


def run_report(database, out_dir, as_of=None, older_than_days=0, notebook=False):
    """Report on `database` (opened only to read); write HTML, CSVs and an XLSX into
    out_dir, and the notebook of the report too when `notebook`. Returns the page's path."""
    return write_report(CleanupReport(database, as_of=as_of, older_than_days=older_than_days),
                        out_dir, notebook=notebook)


def write_report(report, out_dir, notebook=False):
    """Write the CleanupReport `report` into out_dir as run_report does."""
    out = Path(out_dir).resolve()
    # each file is put in place the same way: the tables' files first, the page last
    with Staging(out) as staging:
        # the page is in `out` beside the files: its links are relative to it
        report.files_beside = True
        try:
            sections = [*report.sections(), report.export(out, notebook_folder=out)]
        finally:
            report.files_beside = False
        staging.path(PAGE).write_text(page(report.title, sections), encoding="utf-8")
        if notebook:
            staging.path(NOTEBOOK).write_text(as_notebook(report, sections, out), encoding="utf-8")
            staging.place(NOTEBOOK)
        return staging.place(PAGE)


def report_files(report, notebook=False):
    """The names of the files write_report writes for `report`, in the order written."""
    return file_names(report.tables) + ([NOTEBOOK] if notebook else []) + [PAGE]


def as_notebook(report, sections, out_dir):
    """The report as a notebook that shows what the page shows, each section the output
    of the call that makes it; run again, it reads the database anew."""
    setup = ("from numkit.reports.sections import CleanupReport\n"
             f"report = CleanupReport({str(report.database.resolve())!r}, as_of={str(report.as_of)!r}, "
             f"older_than_days={report.older_than_days!r})")
    calls = [f"report.{name}()" for name in report.SECTIONS] + [
        f"report.export({str(out_dir)!r}, notebook_folder={str(out_dir)!r})"]
    cells = [_cell("markdown", "the-report", f"# {report.title}"), _cell("code", "setup", setup)]
    for index, (call, section) in enumerate(zip(calls, sections)):
        cells.append(_cell("code", f"section-{index}", call, [{
            "output_type": "display_data", "metadata": {},
            "data": {"text/html": section._repr_html_(), "text/plain": repr(section)}}]))
    notebook = {"nbformat": 4, "nbformat_minor": 5, "cells": cells, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}}
    # opened in JupyterLab, a notebook saying another kernel is marked changed at once
    return with_kernel_metadata(json.dumps(notebook))


def _cell(kind, cell_id, source, outputs=None):
    cell = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=outputs or [])
    return cell
