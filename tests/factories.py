import factory

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
