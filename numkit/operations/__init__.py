"""The operations that change an inventory (onboard, assign, release, move, flags, rows) and
their previews, each one transaction whose every change is an event."""
