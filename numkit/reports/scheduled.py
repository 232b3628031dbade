"""The scheduled report: the cleanup-report notebook run headless, turned into HTML."""

import re
import tempfile
from pathlib import Path

from traitlets.config import Config

from ..errors import NumkitError
from ..sample import PROJECT_ROOT
from ..staging import Staging

REPORT_NOTEBOOK = PROJECT_ROOT / "notebooks" / "03-cleanup-report.ipynb"
# Cells that only make sense with a person at the keyboard, or that only configure the run.
HIDDEN_CELL_TAGS = {"panel", "parameters", "injected-parameters"}
EXECUTED, PAGE = "cleanup-report.ipynb", "cleanup-report.html"


class ReportFailed(NumkitError):
    """The report notebook stopped with an error."""


def _local_kernel(directory):
    """The report's kernel talks over local sockets in `directory`, not TCP: nothing listens
    on a port, and the kernel has no unencrypted network traffic to warn about on stderr."""
    return Config({"KernelManager": {"transport": "ipc", "ip": str(Path(directory) / "kernel")}})


def run_report(database, out_dir, as_of=None, older_than_days=0):
    """Run the report notebook on `database`; write HTML, CSVs and an XLSX into out_dir."""
    import papermill

    out = Path(out_dir).resolve()
    # the notebook writes the CSV and XLSX files itself, each put in place the same way
    parameters = {"database": str(Path(database).resolve()), "as_of": str(as_of) if as_of else None,
                  "older_than_days": older_than_days, "out_dir": str(out),
                  "read_only": True}    # a report only reads: it runs on a file the user may only read
    with Staging(out) as staging:
        executed = staging.path(EXECUTED)
        try:
            with tempfile.TemporaryDirectory(prefix="numkit-kernel-") as sockets:
                papermill.execute_notebook(str(REPORT_NOTEBOOK), str(executed), parameters=parameters,
                                           kernel_name="python3", progress_bar=False,
                                           cwd=str(REPORT_NOTEBOOK.parent),
                                           config=_local_kernel(sockets))
        except papermill.PapermillExecutionError as error:
            raise ReportFailed(f"the report notebook failed ({error.ename}: {error.evalue}); "
                               f"see {staging.place(EXECUTED)}") from None
        staging.path(PAGE).write_text(notebook_as_html(executed), encoding="utf-8")
        staging.place(EXECUTED)
        return staging.place(PAGE)


def notebook_as_html(path):
    """A self-contained HTML page of the notebook's outputs: no code, no scripts to fetch."""
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = HIDDEN_CELL_TAGS
    exporter = HTMLExporter(config=config, exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    notebook = nbformat.read(str(path), as_version=4)
    notebook.metadata.pop("widgets", None)   # the panel's live state: useless without a kernel
    body, _ = exporter.from_notebook_node(notebook)
    # The template links require.js and MathJax from the internet, and its mermaid loader
    # imports scripts from there; the report needs none of them.
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    return re.sub(r'<script type="module">(?:(?!</script>).)*?https?://.*?</script>', "", body,
                  flags=re.DOTALL)
