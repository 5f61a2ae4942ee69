"""Artifact evaluation (to come): the AE committee's work on accepted papers' artifacts.

Layer: above ``assignments``; below ``program``.
"""
