"""The camera-ready schedule and the public program plug in here, published at the edition's
program publication deadline.
"""
