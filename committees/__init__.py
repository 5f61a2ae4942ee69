"""Granting and withdrawing the roles people hold in an edition (PC chair, PC member of the
Systems or ML half, area chair, AE chair, AE member), their loads, and the invitations that lead
to them.

Layer: directly above the core (``conferences``, ``actionlog``, ``accounts``, ``outbox``). The
``Role`` rows are core (``conferences.models.Role``), as is what each kind of role means
(``conferences.roles.RoleKind``); the core reads who holds which itself (``conferences.access``).
Every service here takes the acting user, refuses with ``committees.policy``'s reason, and
records its action. Granting a role is
announced with ``committees.signals.role_granted`` (conflicts of interest follow).
"""
