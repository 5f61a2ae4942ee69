"""The core: editions, their deadlines, phases (``phases``) and releases, topics and areas, the
roles people hold (``models.Role``), the kinds of role and what each may do (``roles``), and the
per-request ``Access`` facts (``access``): roles loaded by the core, the rest filled by fact
providers the apps above register.

Layer: the lowest app, above only ``mlsys_conf``'s base modules. It imports no other app:
the apps above register what it shows or asks (dashboard panels in ``panels``, Access facts),
and its services announce their actions through ``signals`` for the action log to record.
"""
