"""The action log: who did what to which object of an edition, when, with the fields it changed.

Services record their actions here (``services.record_action``); chairs read and filter the log
per paper and per person (``views``, ``api``). Entries about a paper are hidden from chairs who
are conflicted with it.

Layer: directly above ``conferences``, so that every app above may record. The core itself
records through ``conferences.signals.action_done``, which this app's ``ready()`` connects.
"""
