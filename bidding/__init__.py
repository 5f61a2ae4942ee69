"""PC members' bids and the TF-IDF affinity of every (paper, member) pair.

Layer: above ``submissions``; below ``assignments``. Who bids is ``RoleKind.bids``.
"""
