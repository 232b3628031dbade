"""The inventory's vocabulary, defined once: status names, node types, reasons, policies.
Plain words, importing nothing: panels use them too."""

# The statuses are the `statuses` table's (sql/10_tables/statuses.sql), in its order, which
# rulebook.statuses() reads; the names below are what Python code calls them by, and must be
# statuses of that table (tests/test_schema_version.py holds them to it).
AVAILABLE = "Available"
USED = "Used"
USED_UTILITY = "Used-Utility"
RESERVED = "Reserved"
COOLING = "Cooling"
INACTIVE = "Inactive"

NODE_TYPES = ("Provider", "Reseller", "Customer", "Intermediate", "Site")

# why_not reasons, in the order they are tested
UNKNOWN_NUMBER = "unknown_number"
NOT_VISIBLE = "not_visible"
RESERVED_FOR_OTHER = "reserved_for_other"
NOT_AVAILABLE = "not_available"
WHY_NOT_REASONS = (UNKNOWN_NUMBER, NOT_VISIBLE, RESERVED_FOR_OTHER, NOT_AVAILABLE)
REASON_WORDS = {
    UNKNOWN_NUMBER: "no row in the inventory holds that number",
    NOT_VISIBLE: "that number is not visible from this node (it sits at another site or customer)",
    RESERVED_FOR_OTHER: "that number is reserved for someone else",
    NOT_AVAILABLE: "that number is not available now (used, reserved, cooling or inactive)",
}

# reasons a row is skipped in a report of a bulk operation
NOT_FOUND = "not_found"
EXISTS = "exists"
CONFLICT = "conflicts_on_path"
RESERVED_FOR_SOMEONE = "reserved_for_someone"

REPLACE = "replace"
CARRY = "carry"
MOVE_POLICIES = (REPLACE, CARRY)
KEEP = "keep"
STRANDED = "stranded"

# candidate orders (docs/rules.md#r9-candidates-and-next-available): number order after the
# user's own reserved rows, or the nearest node's rows first
BY_NUMBER = "number"
NEAREST = "nearest"
CANDIDATE_ORDERS = (BY_NUMBER, NEAREST)

DEFAULT_SETTINGS = {"cooling_days": 0, "alert_share": 0.10, "candidate_order": BY_NUMBER}


def canonical_spelling(value, vocabulary):
    """The vocabulary's spelling of `value` (matched case-insensitively), or None."""
    by_key = {word.lower(): word for word in vocabulary}
    return by_key.get(str(value).strip().lower())
