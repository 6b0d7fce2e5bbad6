"""E-mail addresses: checked and tidied for sending, and reduced to a key for duplicate checks.

The key catches the same mailbox written differently, the usual way to apply twice:
- letter case is ignored (in practice no mailbox provider tells "Ana" from "ana");
- a sub-address tag is dropped ("ana+accelerator@x.org" is "ana@x.org");
- Gmail ignores dots in the local part and treats googlemail.com as gmail.com.
The address as written (domain lower-cased) is what e-mails are sent to.
"""

from typing import Final

from email_validator import EmailNotValidError, validate_email

MAX_EMAIL_LENGTH: Final = 254
_GMAIL_DOMAINS: Final = frozenset({"gmail.com", "googlemail.com"})


class InvalidEmail(ValueError):
    pass


def checked_email(value: str) -> str:
    """The address in its normal form (domain lower-cased, Unicode NFC), or InvalidEmail."""
    if len(value) > MAX_EMAIL_LENGTH:
        raise InvalidEmail(f"must be at most {MAX_EMAIL_LENGTH} characters")
    try:
        # Deliverability (a DNS lookup) is not checked: validation stays pure and fast.
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from None


def email_key(address: str) -> str:
    """The mailbox a checked address reaches, for "one application per e-mail" (module doc)."""
    local, _, domain = address.strip().rpartition("@")
    local = local.lower().split("+", 1)[0] or local.lower()
    domain = domain.lower()
    if domain in _GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"
