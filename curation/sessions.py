"""Sessions end after a stretch of inactivity in the parts of the site that use them.

Django's SESSION_SAVE_EVERY_REQUEST would restart the idle clock on every
request, public pages included, and so send a logged-in curator a fresh
session cookie with each gene page: such a response can no longer be cached
or be the same bytes as everyone else's. Reading public pages is not curating,
so only requests to the areas behind a log-in restart the clock.
"""

ACTIVE_PREFIXES = ("/curate/", "/admin/", "/accounts/", "/api/")


class IdleTimeoutMiddleware:
    """Restart the session's expiry on each request to an area that needs a log-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            session is not None
            and request.path.startswith(ACTIVE_PREFIXES)
            and not session.is_empty()
        ):
            session.modified = True  # SessionMiddleware saves it and resends the cookie
        return response
