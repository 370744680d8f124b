import datetime

import factory
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
    """A named user holding one role in one organisation."""
    user = UserFactory(username=username, **names)
    services.membership_grant(user=user, role=role, organisation=organisation)
    return user


def fake_cpr(n: int, *, born: datetime.date | None = None) -> str:
    """A valid, non-real CPR number (``DDMMYY-SSSS``): born before 1957 and failing the old
    modulus-11 check, which every number issued to people born then passed."""
    born = born or datetime.date(1930, 1, 1) + datetime.timedelta(days=n * 37 % 9000)
    for sequence in range(1000 + n % 2000, 4000):
        number = born.strftime("%d%m%y") + f"{sequence:04d}"
        if stdnum_cpr.checksum(number) != 0:
            return f"{number[:6]}-{number[6:]}"
    raise AssertionError("no sequence found")
