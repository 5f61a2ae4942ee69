"""What committees announce to the apps above them (which committees may not import)."""

from django.dispatch import Signal

# Someone was given a role (or had it changed). Sent with ``role``, inside the granting
# transaction; the app that keeps conflicts of interest listens.
role_granted = Signal()
