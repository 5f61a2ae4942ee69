"""Papers and their life: states and transitions (``states``), ordered authors, file versions
named by SHA-256 and served only through permission checks, PDF and ZIP checks, conflicts of
interest (declared and automatic, refreshed when people change: ``receivers``), extensions.

Layer: above ``committees``; below ``bidding``.
"""
