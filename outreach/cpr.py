"""CPR numbers: validation, the derived facts, masking, encryption and the lookup hash.

A CPR number is personal data of the most sensitive kind. It is validated with python-stdnum
(without the modulus-11 check: numbers issued since 2007 need not pass it), stored only encrypted
(AES-256-GCM, authenticated), found through a keyed hash (HMAC-SHA256) and shown masked as
``DDMMYY-XXXX``. The mask is derived from the birth date, so showing it needs no decryption.
Nothing here logs a number.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import InvalidComponent, ValidationError

_NONCE_BYTES = 12
_ASSOCIATED_DATA = b"outreach.cpr.v1"


class InvalidCpr(ValueError):
    """A CPR number that is not one; the message is safe to show (it never repeats the number)."""


def validate(value: str) -> str:
    """The CPR number as ten digits, or ``InvalidCpr`` with a reason a person can act on."""
    number = stdnum_cpr.compact(str(value))
    if not number.isdigit() or len(number) != 10:
        raise InvalidCpr(_("The CPR number must be 10 digits."))
    try:
        stdnum_cpr.validate(number)
    except InvalidComponent as error:
        if "not been born" in str(error):
            raise InvalidCpr(_("The CPR number's birth date is in the future.")) from None
        raise InvalidCpr(_("The CPR number does not contain a valid birth date.")) from None
    except ValidationError:
        raise InvalidCpr(_("The CPR number is not valid.")) from None
    return number


def birth_date(number: str) -> datetime.date:
    return stdnum_cpr.get_birth_date(number)


def sex(number: str) -> str:
    """ "M" or "F": the last digit is odd for men, even for women."""
    return "M" if int(number[-1]) % 2 else "F"


def mask(born: datetime.date | None) -> str:
    """``DDMMYY-XXXX``: what every list and page shows of a CPR number."""
    if born is None:
        return "XXXXXX-XXXX"
    return born.strftime("%d%m%y") + "-XXXX"


def mask_number(value: str) -> str:
    """The mask of a raw value, valid or not, for error reports: never more than DDMMYY."""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) >= 6:
        return digits[:6] + "-XXXX"
    return "XXXXXX-XXXX"


def _key(setting: str, label: bytes) -> bytes:
    configured = getattr(settings, setting, "")
    if configured:
        key = base64.urlsafe_b64decode(configured + "=" * (-len(configured) % 4))
        if len(key) != 32:
            raise ValueError(f"{setting} must be 32 bytes, base64-encoded.")
        return key
    # Development and tests: derived from SECRET_KEY (production requires both keys to be set).
    return hashlib.sha256(label + settings.SECRET_KEY.encode()).digest()


class CprVault:
    """Encrypts, decrypts and hashes CPR numbers with the configured keys."""

    def __init__(self, encryption_key: bytes, lookup_key: bytes):
        self._aead = AESGCM(encryption_key)
        self._lookup_key = lookup_key

    def encrypt(self, number: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, number.encode(), _ASSOCIATED_DATA)

    def decrypt(self, token: bytes) -> str:
        token = bytes(token)
        nonce, ciphertext = token[:_NONCE_BYTES], token[_NONCE_BYTES:]
        return self._aead.decrypt(nonce, ciphertext, _ASSOCIATED_DATA).decode()

    def lookup_hash(self, number: str) -> str:
        """The keyed hash that finds a citizen by CPR without storing the number in the clear."""
        return hmac.digest(self._lookup_key, number.encode(), "sha256").hex()


@lru_cache(maxsize=4)
def _vault(secret_key: str, encryption: str, lookup: str) -> CprVault:
    return CprVault(
        _key("CPR_ENCRYPTION_KEY", b"cpr-encryption"), _key("CPR_LOOKUP_KEY", b"cpr-lookup")
    )


def vault() -> CprVault:
    return _vault(settings.SECRET_KEY, settings.CPR_ENCRYPTION_KEY, settings.CPR_LOOKUP_KEY)
