"""What spans the apps, assembled at the top so that no app imports one above it: the panels
of the edition page's dashboard (registered with ``conferences.panels``), the mail about
phases (the chairs hear when one closes, the people a deadline concerns are reminded), and
the demo edition (``manage.py seed_demo``)."""
