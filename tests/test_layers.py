"""numkit's layers depend one way: the core (rules, storage, the API) knows no screen and no
report; the reports use the API; panels call the API and the reports, never SQL, the loader or
the operations behind the API; nothing but the notebooks reaches for the panels.

Read from the source with `ast`, so an import inside a function counts as much as one at the
top of a module."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "numkit"
EDGES = ("numkit.reports", "numkit.widgets", "numkit.cli", "numkit.__main__")
SCREENS = ("ipywidgets", "itables", "matplotlib", "IPython")
BEHIND_THE_API = ("numkit.schema", "numkit.rulebook", "numkit.numbering", "numkit.loading",
                  "numkit.operations", "duckdb")


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported(name):
    """The modules `name` imports, as absolute names (`from . import x` names module x)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names
                         if f"{source}.{alias.name}" in MODULES)
    return found


def within(module, prefixes):
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def breaches(importers, forbidden):
    """(importer, imported) pairs of modules named in `importers` reaching `forbidden`."""
    return sorted((name, target) for name in importers
                  for target in imported(name) if within(target, forbidden))


def modules_in(prefixes):
    return [name for name in MODULES if within(name, prefixes)]


def modules_outside(prefixes):
    return [name for name in MODULES if not within(name, prefixes)]


CORE = modules_outside(EDGES)


def test_the_reader_sees_relative_imports_of_modules_and_of_names():
    """So that the rules below cannot pass by reading nothing."""
    assert "numkit.inventory" in imported("numkit.reports.sections")
    assert "numkit.operations.moves" in imported("numkit.inventory")  # from .operations import moves
    assert "numkit.reports.summary" in imported("numkit.widgets.cleanup_report")


@pytest.mark.parametrize("forbidden", [EDGES, SCREENS], ids=["reports-panels-cli", "screens"])
def test_the_core_knows_no_report_panel_or_screen(forbidden):
    assert breaches(CORE, forbidden) == []


def test_reports_know_no_panel_and_no_command():
    assert breaches(modules_in(("numkit.reports",)), ("numkit.widgets", "numkit.cli")) == []


def test_panels_reach_no_sql_loader_or_operation_around_the_api():
    assert breaches(modules_in(("numkit.widgets",)), BEHIND_THE_API) == []


def test_nothing_in_the_package_but_panels_imports_panels():
    assert breaches(modules_outside(("numkit.widgets",)), ("numkit.widgets",)) == []


SQL_DOORS = ("con", "connection", "sql", "store", "execute", "rows", "scalar")


def doors_to_sql(name):
    """(line, attribute) where module `name` reaches SQL through an inventory (inv.sql,
    inv.con, inv.store, …) rather than the API's named answers."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    return sorted((node.lineno, node.attr) for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and node.attr in SQL_DOORS)


def test_the_door_reader_sees_an_inventory_s_sql():
    """So that the panels' check below cannot pass by reading nothing."""
    assert {"con", "sql"} <= {attribute for _, attribute in doors_to_sql("numkit.inventory")}


@pytest.mark.parametrize("panel", modules_in(("numkit.widgets",)))
def test_panels_ask_the_api_not_sql(panel):
    assert doors_to_sql(panel) == []
