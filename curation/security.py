"""Pages for a logged-in user are kept out of shared and browser caches."""

from django.utils.cache import add_never_cache_headers

from curation.sessions import ACTIVE_PREFIXES


class PrivatePagesMiddleware:
    """`Cache-Control: no-store` on what a logged-in user (session or API token) is sent in
    the areas behind a log-in, unless the view said otherwise. Public pages are left alone:
    they are the same bytes for everyone and are cached on purpose.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The path first: reading request.user reads the session, which adds "Vary: Cookie",
        # and public pages must stay the same for everyone.
        if (
            request.path_info.startswith(ACTIVE_PREFIXES)
            and not response.has_header("Cache-Control")
            and ("HTTP_AUTHORIZATION" in request.META or request.user.is_authenticated)
        ):
            add_never_cache_headers(response)
        return response
