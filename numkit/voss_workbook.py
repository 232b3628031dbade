"""A VOSS Automate bulk-load workbook of number-inventory rows: one sheet per action.

VOSS loads a tabbed workbook's sheets left to right, so the sheets go add, modify, delete.
Each sheet has the layout of the templates VOSS exports: row 1 the entity (model type) and
the hierarchy, row 2 the field names, row 3 the groups, row 4 the titles, then one row per
number. Field names, model type, the marker VOSS reads as an empty value and the prefix
VOSS writes before an E.164 number come from a mapping (`voss_fields.json`, replaceable):
VOSS's templates vary with its release and the field display policy.

VOSS's loader reads a blank cell as "not given" (the field keeps its value) and a cell
holding only a space as an empty value, so a field numkit cleared is written as the
mapping's `empty_value` and a field numkit did not change is left blank.

Every value is written as a text cell (never a formula, whatever it starts with).
"""

import json
from importlib import resources

import openpyxl
from openpyxl.cell import WriteOnlyCell

from .errors import BadMapping
from .spreadsheet_cells import as_cell

ACTIONS = ("add", "modify", "delete")
VALUE_FIELDS = ("status", "usage", "reserved_for", "used_by", "release_date",
                "reservation_notes", "description")
COLUMNS = {
    "add": ("hierarchy", "action", "number", *VALUE_FIELDS),
    "modify": ("hierarchy", "action", "search", "number", *VALUE_FIELDS),
    "delete": ("hierarchy", "action", "search"),
}
SETTINGS = ("model_type", "sheet_header", "empty_value", "e164_prefix", "actions", "columns")
COLUMN_PARTS = ("name", "group", "title")
# Excel refuses these in a sheet name; VOSS skips a sheet whose name starts with '#'
NOT_IN_SHEET_NAMES = str.maketrans({c: "_" for c in "[]:*?/\\"})


def read_mapping(mapping=None):
    """The mapping as a dict: the shipped one, a file's (path) or the dict given; BadMapping
    naming what is missing or unreadable."""
    where = "the mapping"
    if mapping is None:
        mapping = json.loads(resources.files("numkit").joinpath("voss_fields.json").read_text())
    elif not isinstance(mapping, dict):
        where = f"the mapping {mapping}"
        try:
            with open(mapping, encoding="utf-8") as source:
                mapping = json.load(source)
        except OSError as error:
            raise BadMapping(f"{where} cannot be read: {error.strerror or error}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise BadMapping(f"{where} is not JSON: {error}") from None
    if not isinstance(mapping, dict):
        raise BadMapping(f"{where} is not a JSON object")
    _check(mapping, where)
    return mapping


def _check(mapping, where):
    for key in SETTINGS:
        if key not in mapping:
            raise BadMapping(f"{where} has no {key!r}")
    for key in ("model_type", "sheet_header", "empty_value", "e164_prefix"):
        if not isinstance(mapping[key], str):
            raise BadMapping(f"{where}: {key!r} must be text")
    for key in ("actions", "columns"):
        if not isinstance(mapping[key], dict):
            raise BadMapping(f"{where}: {key!r} must be an object ({{...}})")
    for action in ACTIONS:
        if not isinstance(mapping["actions"].get(action), str):
            raise BadMapping(f"{where} has no action {action!r} under 'actions'")
    needed = dict.fromkeys(key for keys in COLUMNS.values() for key in keys)
    for key in needed:
        spec = mapping["columns"].get(key)
        if not isinstance(spec, dict):
            raise BadMapping(f"{where} has no field {key!r} under 'columns'")
        for part in COLUMN_PARTS:
            if not isinstance(spec.get(part), str):
                raise BadMapping(f"{where}: field {key!r} has no {part!r} (text)")
    try:
        mapping["sheet_header"].format(model_type="", hierarchy="")
    except (KeyError, IndexError, ValueError) as error:
        raise BadMapping(f"{where}: 'sheet_header' may use {{model_type}} and {{hierarchy}} "
                         f"only ({error})") from None


def sheet_name(action, mapping):
    model = mapping["model_type"].rsplit("/", 1)[-1].translate(NOT_IN_SHEET_NAMES)
    return f"{action} {model}"[:31]


def common_node(nodes):
    """The deepest node at or above every one of `nodes` (dotted paths), or ''."""
    paths = [node.split(".") for node in nodes]
    if not paths:
        return ""
    common = []
    for parts in zip(*paths):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    return ".".join(common)


def voss_number(number, mapping):
    """An E.164 number as VOSS's inventory writes it (`\\+44...` by default)."""
    return mapping["e164_prefix"] + number[1:] if number.startswith("+") else number


def write_workbook(path, rows, mapping):
    """Write the workbook at `path`. `rows` maps each action to a list of
    (number, node, {field: value now, None when cleared}); a field absent is unchanged."""
    book = openpyxl.Workbook(write_only=True)
    for action in ACTIONS:
        sheet = book.create_sheet(sheet_name(action, mapping))
        keys = COLUMNS[action]
        specs = [mapping["columns"][key] for key in keys]
        header = mapping["sheet_header"].format(
            model_type=mapping["model_type"],
            hierarchy=common_node({node for _, node, _ in rows[action]}))
        sheet.append([_text(sheet, header)])
        for part in COLUMN_PARTS:
            sheet.append([_text(sheet, spec[part]) for spec in specs])
        for number, node, fields in rows[action]:
            values = {"hierarchy": node, "action": mapping["actions"][action],
                      "search": voss_number(number, mapping), "number": voss_number(number, mapping)}
            for field, value in fields.items():
                values[field] = mapping["empty_value"] if value is None else value
            sheet.append([_text(sheet, values.get(key)) for key in keys])
    book.save(path)


def _text(sheet, value):
    """A cell holding `value` as text: openpyxl makes any text starting with '=' a formula."""
    if value is None or value == "":
        return None
    cell = WriteOnlyCell(sheet, as_cell(value))
    cell.data_type = "s"
    return cell
