from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous callers, counted per address (REST_FRAMEWORK's NUM_PROXIES says which one).

    Callers with credentials are accountable and are not throttled here.
    """

    def get_rate(self):
        # Read on each request, not at import, so that overridden settings apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
