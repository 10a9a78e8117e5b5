"""Admin login throttling that an outsider cannot turn against the editor.

django-axes counts failed logins by username and address together, and by address alone
(AXES_LOCKOUT_PARAMETERS). Its one limit applies to the larger count, and the count for an
address alone is never smaller than the one for a username at that address, so with one limit
the pair would never matter. This handler gives each its own limit: AXES_FAILURE_LIMIT wrong
passwords for one username from one address, AXES_ADDRESS_FAILURE_LIMIT (higher: people behind
one office or mobile network share an address) for any usernames from one address.
Failures for the editor's username from elsewhere never lock the editor out at their own
address.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class UsernameAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The failures, scaled so that reaching either limit reaches AXES_FAILURE_LIMIT, the
        number axes compares them with."""
        by_username_and_address, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit, address_limit = settings.AXES_FAILURE_LIMIT, settings.AXES_ADDRESS_FAILURE_LIMIT
        return max(by_username_and_address, by_address * limit // address_limit)
