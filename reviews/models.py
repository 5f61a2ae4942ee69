"""Reviews, discussion and meta-reviews plug in here: a Review per (submission, PC member) with the
edition's visibility rules, then Decision rows whose release is gated by the notification
deadline.
"""
