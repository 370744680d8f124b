from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person who logs in: caseworker, coordinator, vaccinator, administrator or auditor.

    What a user may see and do comes only from their memberships (``RoleGroup``), never from
    flags on the user: ``is_superuser`` opens the Django admin for operations, not citizen data.
    """

    def __str__(self) -> str:
        return self.get_full_name() or self.username
