"""numkit installs like a package: the wheel holds everything the commands need (the SQL, the
notebooks), its dependencies are declared as ranges that the kit's exact set satisfies, and the
installed `numkit` works from any folder, without the checkout."""

import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from numkit import notebook_files

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def declared(extras=("test",)):
    return [Requirement(r) for r in PROJECT["dependencies"] +
            [r for extra in extras for r in PROJECT["optional-dependencies"][extra]]]


def constraints():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_the_kits_exact_versions_are_within_the_declared_ranges():
    pins = constraints()
    for requirement in declared():
        assert "==" not in str(requirement.specifier), f"{requirement} is pinned, not a range"
        pinned = pins.get(canonicalize_name(requirement.name))
        assert pinned, f"constraints.txt has no version of {requirement.name}"
        assert requirement.specifier.contains(pinned), f"{requirement.name}=={pinned} is outside {requirement}"


def test_every_package_numkit_imports_is_declared():
    """An import of a package that only comes along with another (nbconvert with jupyterlab)
    works until that other one drops it: each must be a dependency of its own."""
    imported = set()
    for module in (ROOT / "numkit").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level:
                imported.add(node.module.split(".")[0])
    distributions = importlib.metadata.packages_distributions()
    third_party = {name for name in imported - set(sys.stdlib_module_names) if name != "numkit"}
    names = {canonicalize_name(r.name) for r in declared(extras=())}
    for name in sorted(third_party):
        assert any(canonicalize_name(d) in names for d in distributions.get(name, [name])), \
            f"numkit imports {name}, which pyproject.toml does not declare"


def run(*command, cwd, env=None):
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def kit_libraries():
    """The folders the running interpreter finds installed packages in (its venv's, and any a
    .pth file of it adds), never the checkout."""
    return [entry for entry in dict.fromkeys(sys.path)
            if Path(entry).name in ("site-packages", "dist-packages") and Path(entry).is_dir()]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A clean venv with numkit installed from a freshly built wheel. Its dependencies are the
    kit's own (a .pth file adds the site-packages of the interpreter running the tests), so
    nothing is downloaded; pip still resolves the wheel's declared dependencies against them."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"     # a copy: building in the checkout leaves build/ behind
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "numkit", source / "numkit",
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", tmp / "dist", source,
        cwd=tmp)
    [wheel] = (tmp / "dist").glob("numkit-*.whl")
    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp).strip()
    (Path(purelib) / "kit-dependencies.pth").write_text("\n".join(kit_libraries()) + "\n")
    # The kit's own numkit (an editable install) is on that path too: the wheel goes in whatever
    # pip thinks of it; then `pip check` holds the wheel's declared dependencies to what is there.
    run(*pip, "--python", python, "install", "--no-index", "--no-deps", "--ignore-installed", wheel, cwd=tmp)
    run(*pip, "--python", python, "check", cwd=tmp)
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "NUMKIT_DATABASE")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    work = tmp / "work"     # outside the checkout
    work.mkdir()
    return venv, work, env


@pytest.mark.slow
def test_the_wheel_holds_numkit_and_its_notebooks_and_imports_from_the_venv(installed):
    venv, work, env = installed
    where = run(venv / "bin" / "python", "-c", "import numkit, numkit.notebook_files as n; "
                "print(numkit.__file__); print(*sorted(p.name for p in n.paths()))", cwd=work, env=env)
    module, notebooks = where.splitlines()
    assert Path(module).is_relative_to(venv), f"numkit came from {module}, not the wheel"
    assert notebooks.split() == [p.name for p in notebook_files.paths()]


@pytest.mark.slow
def test_installed_numkit_makes_a_demo_loads_it_and_reports_on_it(installed):
    venv, work, env = installed
    numkit = venv / "bin" / "numkit"
    said = run(numkit, "demo", "--out", "demo", "--numbers", 300, "--sites", 5, cwd=work, env=env)
    assert "wrote a demo inventory to demo" in said
    assert {"numbers.csv", "users.csv", "hierarchy.csv"} <= {p.name for p in (work / "demo").iterdir()}
    run(numkit, "load", "inventory.duckdb", "--dir", "demo", cwd=work, env=env)
    said = run(numkit, "report", "inventory.duckdb", "--out", "report", "--older-than", 30, cwd=work, env=env)
    assert said.startswith("numkit report for inventory.duckdb as of ")
    page = (work / "report" / "cleanup-report.html").read_text()
    assert "<title>Cleanup report: inventory.duckdb, " in page and "Numbers held for leavers" in page
    assert "Traceback" not in page
    assert (work / "report" / "numkit-report.xlsx").stat().st_size > 0
    assert any(line.startswith("wrote ") and line.endswith("cleanup-report.html")
               for line in said.splitlines())


@pytest.mark.slow
def test_installed_numkit_copies_its_notebooks(installed):
    venv, work, env = installed
    said = run(venv / "bin" / "numkit", "notebooks", "analysis", cwd=work, env=env)
    for notebook in notebook_files.paths():
        assert (work / "analysis" / notebook.name).read_text(encoding="utf-8") == \
            notebook_files.with_kernel_metadata(notebook.read_text(encoding="utf-8"))
        assert f"wrote {Path('analysis') / notebook.name}" in said


@pytest.mark.slow
def test_installed_numkit_opens_its_sample_outside_the_checkout(installed, tmp_path):
    """A notebook left at `database = None` opens the bundled sample: the installed numkit
    builds it from the export it ships, in the user's cache (not in site-packages), and the
    report's files go to a new dated folder under exports/ in the folder the notebook runs in."""
    venv, work, env = installed
    env = {**env, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    said = run(venv / "bin" / "python", "-c",
               "import numkit; from numkit.reports.sections import CleanupReport\n"
               "report = CleanupReport(None)\n"
               "print(report.database)\n"
               "print(len(numkit.connect(report.database, read_only=True).users()))\n"
               "print(report.export())", cwd=work, env=env)
    database, users, files = said.splitlines()
    assert Path(database).is_relative_to(tmp_path / "cache"), database
    assert int(users) > 0
    assert [p.relative_to(work) for p in work.glob("exports/cleanup-*/numkit-report.xlsx")] == [
        Path("exports") / f"cleanup-{report_date(files)}" / "numkit-report.xlsx"], files
    assert not list(venv.rglob("sample.duckdb"))


def report_date(files_line):
    """The date in the folder a report's Files line names (cleanup-YYYY-MM-DD)."""
    return re.search(r"cleanup-(\d{4}-\d{2}-\d{2})", files_line).group(1)
