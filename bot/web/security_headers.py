"""Security headers on every page (issue 15, item 7): CSP, nosniff, no referrer, and HSTS over TLS.

Only the chat page may be framed, and only by the page's own site and the configured host sites of
widget.js (the same list as the origins allowed to call /api/chat); every other page may not be framed.
The pages run no inline script; draft.html carries an inline style block, hence 'unsafe-inline' for styles.
"""

from __future__ import annotations

FRAMEABLE_PATHS = ("/",)
HSTS_SECONDS = 365 * 24 * 3600


def content_security_policy(frame_ancestors: str) -> str:
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            f"frame-ancestors {frame_ancestors}")


def security_headers(path: str, over_tls: bool, host_sites: set[str]) -> dict[str, str]:
    """The headers for a response to `path`; `host_sites` are the origins that may frame the chat page."""
    frame_ancestors = " ".join(["'self'", *sorted(host_sites)]) if path in FRAMEABLE_PATHS else "'none'"
    found = {"Content-Security-Policy": content_security_policy(frame_ancestors),
             "X-Content-Type-Options": "nosniff",
             # Draft links carry their key in the URL: never send it on as a referrer.
             "Referrer-Policy": "no-referrer"}
    if over_tls:
        found["Strict-Transport-Security"] = f"max-age={HSTS_SECONDS}"
    return found
