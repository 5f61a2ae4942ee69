"""People: the user (e-mail login, verified by allauth), their profile (affiliation, country,
other addresses, institutional domains, ORCID/DBLP/Semantic Scholar, expertise, keywords,
publications) and their API tokens.

Layer: above ``conferences`` and ``actionlog``. A change that may create conflicts of interest
is announced with ``accounts.signals.conflict_facts_changed``; the app that keeps conflicts
listens, since accounts may not import it.
"""
