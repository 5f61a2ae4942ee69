"""What submissions announce to the apps above them (which submissions may not import).

``paper_changed``: sent with ``submission`` inside the service's transaction when a paper was
registered, its text (title, abstract, topic, keywords, authors) changed, a PDF passed the checks,
or a withdrawn paper was restored: whatever depends on its text or on it being in the running
(its affinities) is due again. Factories and the demo make rows directly and send nothing.
"""

from django.dispatch import Signal

paper_changed = Signal()
