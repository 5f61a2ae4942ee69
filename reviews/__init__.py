"""Reviews, discussion and decisions (to come).

Layer: above ``assignments``; below ``artifacts``.
"""
