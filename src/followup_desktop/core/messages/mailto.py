"""``mailto:`` links per RFC 6068, so a draft opens in the person's own mail program.

Everything outside the unreserved set is percent-encoded as UTF-8, line breaks become
``%0D%0A`` as the RFC asks, and spaces are ``%20`` (a ``+`` would show up literally in
many mail programs).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.utils import getaddresses
from urllib.parse import quote

# In the address part only '@' may stay as it is; ',' separates addresses (RFC 6068 s.2).
_ADDRESS_SAFE = "@"


def _addresses(recipients: Sequence[str]) -> list[str]:
    # The path of a mailto: URL takes bare addr-specs, not "Name <addr>" (RFC 6068 s.2).
    return [address for _name, address in getaddresses(list(recipients)) if address]


def _crlf(text: str) -> str:
    return re.sub(r"\r\n|\r|\n", "\r\n", text)


def mailto_url(
    to: Sequence[str],
    subject: str = "",
    body: str = "",
    *,
    cc: Sequence[str] = (),
) -> str:
    """A ``mailto:`` URL for the recipients, subject and body (all may hold any Unicode)."""
    path = ",".join(quote(address, safe=_ADDRESS_SAFE) for address in _addresses(to))
    fields: list[tuple[str, str]] = []
    cc_addresses = _addresses(cc)
    if cc_addresses:
        fields.append(("cc", ",".join(cc_addresses)))
    if subject:
        fields.append(("subject", " ".join(subject.splitlines())))
    if body:
        fields.append(("body", _crlf(body)))
    query = "&".join(
        f"{name}={quote(value, safe='@' if name == 'cc' else '')}" for name, value in fields
    )
    return f"mailto:{path}" + (f"?{query}" if query else "")
