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
