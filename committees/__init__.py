"""The roles people hold in an edition (PC chair, PC member of the Systems or ML half, area
chair, AE chair, AE member), their loads, and the invitations that lead to them.

Layer: directly above the core (``conferences``, ``actionlog``, ``accounts``, ``outbox``), as
the core's roles: what each kind of role means is ``conferences.roles.RoleKind``, and the core
reads who holds which through ``conferences.access``. Every service here takes the acting user,
refuses with ``committees.policy``'s reason, and records its action. Granting a role is
announced with ``committees.signals.role_granted`` (conflicts of interest follow).
"""
