from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from outreach import services
from outreach.models import RoleGroup, User
from outreach.models.memberships import ORGANISATION_FIELDS
from outreach.models.organisations import ORGANISATION_MODELS
from outreach.roles import OrganisationKind, Role


class Command(BaseCommand):
    help = (
        "Give a user a role in an organisation, e.g. "
        "`grant_role anna caseworker municipality 101`. With --revoke, take it away."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("org_kind", choices=OrganisationKind.values)
        parser.add_argument("org_code", help="e.g. 101 (municipality), 1084 (region), SST")
        parser.add_argument(
            "--create",
            action="store_true",
            help="Create the user (without a usable password) if it does not exist.",
        )
        parser.add_argument("--revoke", action="store_true", help="Take the role away instead.")

    def handle(self, username, role, org_kind, org_code, create, revoke, **options):
        model = ORGANISATION_MODELS[org_kind]
        organisation = model.objects.filter(code=org_code).first()
        if organisation is None:
            raise CommandError(f"No {org_kind} with code {org_code!r}.")
        user = User.objects.filter(username=username).first()
        if user is None:
            if not create or revoke:
                raise CommandError(f"No user named {username!r} (use --create to create one).")
            user = User(username=username)
            user.set_unusable_password()
            user.save()
            self.stdout.write(f"Created user {username} (set a password with changepassword).")
        if revoke:
            role_group = RoleGroup.objects.filter(
                role=role, **{ORGANISATION_FIELDS[org_kind]: organisation}
            ).first()
            if role_group is None or not role_group.group.user_set.filter(pk=user.pk).exists():
                raise CommandError(f"{username} is not {role} in {organisation}.")
            services.membership_revoke(user=user, role_group=role_group)
            self.stdout.write(f"{username} is no longer {role} in {organisation}.")
            return
        try:
            services.membership_grant(user=user, role=role, organisation=organisation)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"{username} is now {role} in {organisation}.")
