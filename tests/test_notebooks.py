"""Every notebook runs top to bottom against the sample; notebooks stay thin and output-free."""

import shutil

import nbformat
import papermill
import pytest

from numkit import notebook_files, sample

NOTEBOOKS = notebook_files.paths()


def test_the_four_notebooks_exist():
    assert [p.name for p in NOTEBOOKS] == ["00-overview.ipynb", "01-onboarding.ipynb",
                                           "02-move-preview.ipynb", "03-cleanup-report.ipynb"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(notebook, sample_file, tmp_path):
    database = tmp_path / "inventory.duckdb"
    shutil.copy(sample_file, database)
    parameters = {"database": str(database), "as_of": "2026-11-23"}
    if "cleanup" in notebook.name:
        parameters.update(older_than_days=30, out_dir=str(tmp_path / "out"))
    executed = papermill.execute_notebook(str(notebook), str(tmp_path / notebook.name),
                                          parameters=parameters, kernel_name="python3",
                                          progress_bar=False, cwd=str(notebook.parent))
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    widget_outputs = [o for c in executed.cells for o in c.get("outputs", [])
                      if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widget_outputs, "the notebook shows its panel"
    if "cleanup" in notebook.name:
        assert (tmp_path / "out" / "numkit-report.xlsx").exists()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_thin_and_without_outputs(notebook):
    book = nbformat.read(notebook, as_version=4)
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    source = "\n".join(cell.source for cell in code)
    assert "def " not in source and "select " not in source.lower()
    assert len(source.splitlines()) <= 20


def test_database_path_builds_the_sample_when_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(sample, "SAMPLE_DATABASE", tmp_path / "sample.duckdb")
    monkeypatch.delenv(sample.DATABASE_VARIABLE, raising=False)
    path = sample.database_path()
    assert path == tmp_path / "sample.duckdb" and path.exists()
