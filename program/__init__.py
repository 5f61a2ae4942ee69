"""The schedule and the published program (to come).

Layer: above ``artifacts``; the highest domain app (only ``site_pages`` is above it).
"""
