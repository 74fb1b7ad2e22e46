"""Keys that find the same job twice: a normalised posting link, company + role.

Links from job boards carry tracking parameters (``utm_source``, LinkedIn's
``trackingId`` and ``refId``) that differ between two copies of the same posting; the
scheme, a ``www.``, the host's case, a trailing slash and a fragment do not matter
either. What is left identifies the posting.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

_TRACKING = frozenset(
    {
        "gclid",
        "fbclid",
        "msclkid",
        "dclid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "trk",
        "trkinfo",
        "trackingid",
        "refid",
        "ref",
        "ref_src",
        "referer",
        "referrer",
        "src",
        "lipi",
        "gh_src",
        "source",
        "from",
        "eboid",
        "originalsubdomain",
    }
)


def _is_tracking(name: str) -> bool:
    lowered = name.casefold()
    return lowered in _TRACKING or lowered.startswith(("utm_", "hsa_", "pk_"))


# An import looks each row's link up, then stores it: the second call is the same text.
@lru_cache(maxsize=1024)
def normalise_link(link: str) -> str:
    """A posting address reduced to what identifies it ("" for no address)."""
    cleaned = link.strip()
    if not cleaned:
        return ""
    if "://" not in cleaned:
        cleaned = "https://" + cleaned
    parts = urlsplit(cleaned)
    host = (parts.hostname or "").casefold()
    host = host.removeprefix("www.")
    if parts.port and parts.port not in {80, 443}:
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    )
    tail = f"?{urlencode(query)}" if query else ""
    return f"{host}{path}{tail}"


def text_key(text: str) -> str:
    """Text compared without case or extra spaces."""
    return " ".join(text.casefold().split())


def company_role_key(company: str, role: str) -> tuple[str, str]:
    """A company and role as compared for duplicates."""
    return text_key(company), text_key(role)
