"""The one authentication backend: allauth's, refusing accounts whose address is unverified.

Any ``authenticate()`` call (a password form other than allauth's, a future integration)
and any session gets ``None`` for an inactive account or one whose sign-in address is not
verified. allauth's own login still recognises such an account (its backend keeps it aside
when ``user_can_authenticate`` refuses) and answers with the "confirm your address" page and a
fresh confirmation mail, or the "account inactive" page: nobody is signed in either way.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend

from accounts.selectors import is_verified_account, verified_accounts


class VerifiedEmailBackend(AuthenticationBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and is_verified_account(user)

    def get_user(self, user_id: int) -> Any:
        """The session's account, in one query, if it may still sign in."""
        return verified_accounts().filter(pk=user_id).first()
