"""Which mailbox an e-mail address delivers to, as far as its spelling tells.

One mailbox, however it is spelt, is one: case does not matter, a ``+subaddress`` is
dropped, so is a trailing dot of the domain, and so are the dots of a Gmail local part,
which Gmail ignores. Other providers' aliases (another domain, a forwarding address) are
other mailboxes. The send limits count mail per mailbox; recusal compares an officer's
mailbox with the addresses a case names.
"""

from __future__ import annotations

from typing import Final

GMAIL_DOMAINS: Final = frozenset({"gmail.com", "googlemail.com"})


def mailbox(address: str) -> str:
    """The mailbox ``address`` delivers to: ``local@domain``, folded as above."""
    local, _, domain = address.strip().casefold().rpartition("@")
    local = local.split("+", 1)[0]
    domain = domain.rstrip(".")
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"
