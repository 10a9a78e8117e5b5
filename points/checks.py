"""System checks for settings that look fine alone and are wrong together."""

from django.conf import settings
from django.core.checks import Warning, register

PROXY_COUNT_ZERO = "points.W001"


@register(deploy=True)
def proxy_count_set_behind_a_proxy(app_configs, **kwargs):
    """Behind a proxy with PROXY_COUNT=0, every reader has the proxy's address: one rate-limit
    bucket for all comments and one login-lockout address for everybody."""
    if getattr(settings, "BEHIND_HTTPS_PROXY", False) and settings.PROXY_COUNT == 0:
        return [
            Warning(
                "BEHIND_HTTPS_PROXY is on but PROXY_COUNT is 0, so every client seems to come "
                "from the proxy's address: all readers share one comment rate limit and one "
                "login lockout.",
                hint="Set PROXY_COUNT to the number of proxies that append to "
                "X-Forwarded-For (1 for one nginx in front).",
                id=PROXY_COUNT_ZERO,
            )
        ]
    return []
