import datetime
import hashlib
import time

import factory
from django_otp import oath
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.dk import cpr as stdnum_cpr

from outreach import services
from outreach.models import Postcode, Region, User, VaccinatorOrganisation


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    password = factory.django.Password("correct-horse-battery")


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VaccinatorOrganisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{980000 + n}")
    name = factory.Sequence(lambda n: f"Lægehus {n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="1084"))
    street = "Testvej 1"
    postcode = factory.LazyFunction(lambda: Postcode.objects.get(code="2200"))


def persona(username: str, role: str, organisation, **names) -> User:
    """A named user holding one role in one organisation, with an authenticator app whose key
    the tests know (``totp_code``)."""
    user = UserFactory(username=username, **names)
    services.membership_grant(user=user, role=role, organisation=organisation)
    authenticator_for(user)
    return user


def authenticator_for(user: User) -> TOTPDevice:
    """The user's confirmed authenticator app, made with a key derived from the username."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        key = hashlib.sha256(f"test-key-{user.username}".encode()).hexdigest()[:40]
        device = TOTPDevice.objects.create(user=user, name="authenticator", key=key)
    return device


def totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show and the device still accepts: the current time
    step's, or the next step's when the current one was used; waits for a new step when both were
    (codes are accepted once)."""
    device.refresh_from_db()
    step = int((time.time() - device.t0) // device.step)
    if device.last_t >= step + device.tolerance:
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
        step += 1
    t = max(step, device.last_t + 1)
    return f"{oath.hotp(device.bin_key, t, device.digits):0{device.digits}d}"


def fake_cpr(n: int, *, born: datetime.date | None = None) -> str:
    """A valid, non-real CPR number (``DDMMYY-SSSS``): born before 1957 and failing the old
    modulus-11 check, which every number issued to people born then passed."""
    born = born or datetime.date(1930, 1, 1) + datetime.timedelta(days=n * 37 % 9000)
    for sequence in range(1000 + n % 2000, 4000):
        number = born.strftime("%d%m%y") + f"{sequence:04d}"
        if stdnum_cpr.checksum(number) != 0:
            return f"{number[:6]}-{number[6:]}"
    raise AssertionError("no sequence found")
