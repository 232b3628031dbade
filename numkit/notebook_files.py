"""The analyst's notebooks, shipped inside the package so an installed numkit has them too."""

import os
from pathlib import Path

from .errors import InvalidOperation

FOLDER = Path(__file__).resolve().parent / "notebooks"


def paths():
    """The notebooks numkit ships, in their order (00-overview first)."""
    return sorted(FOLDER.glob("*.ipynb"))
