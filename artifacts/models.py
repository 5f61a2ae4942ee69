"""Artifact evaluation (ACM badges) plugs in here: an Artifact per accepted submission, evaluated
by the AE committee (committees.RoleKind.AE_MEMBER) between the artifact deadlines.
"""
