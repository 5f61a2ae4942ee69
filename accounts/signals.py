"""What accounts announce to the apps above them (which accounts may not import)."""

from django.dispatch import Signal

# A person's affiliation, institutional domains or verified addresses changed, so their
# conflicts of interest may have. Sent with ``user``; the app that keeps conflicts listens.
conflict_facts_changed = Signal()
