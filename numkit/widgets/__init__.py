"""ipywidgets panels over the numkit API, one module per notebook."""

from .cleanup_report import CleanupReportPanel
from .move_preview import MovePreviewPanel
from .onboarding import OnboardingPanel
from .overview import OverviewPanel

__all__ = ["OnboardingPanel", "MovePreviewPanel", "CleanupReportPanel", "OverviewPanel"]
