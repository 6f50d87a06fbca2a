"""The authentication backend that enforces django-axes' failed-log-in lockout."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, for log-ins that come with a request.

    Axes locks out a username from an address, so a call without a request
    (Client.login() in tests, a management command) has nothing to check and
    goes on to the next backend. Django's log-in views always pass the request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request, credentials=None):
    """The username that axes records for a log-in, cut to fit its column (255 characters).

    Django's log-in form does not limit the username's length, and a longer one would
    fail axes' insert with a database error. No username is that long (150 at most).
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username[:255] if username else username
