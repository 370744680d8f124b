from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from outreach import services
from outreach.models import (
    Municipality,
    NationalBody,
    Postcode,
    Region,
    RoleGroup,
    TargetGroup,
    User,
    VaccinatorOrganisation,
)


@admin.register(User)
class OutreachUserAdmin(UserAdmin):
    """Roles are managed under role groups (through the membership services), not here."""

    readonly_fields = ["groups", "user_permissions", "last_login", "date_joined"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "municipality", "latitude", "longitude"]
    search_fields = ["code", "name"]
    list_select_related = ["municipality"]


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "in_outreach_scheme"]


@admin.register(NationalBody)
class NationalBodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(VaccinatorOrganisation)
class VaccinatorOrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "region", "postcode"]
    list_filter = ["region", "type"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["postcode"]


class RoleGroupMembersForm(forms.ModelForm):
    """Edits who holds a role: the members of the role's group."""

    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.order_by("username"),
        required=False,
        widget=admin.widgets.FilteredSelectMultiple("users", is_stacked=False),
    )

    class Meta:
        model = RoleGroup
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].initial = self.instance.group.user_set.all()


@admin.register(RoleGroup)
class RoleGroupAdmin(admin.ModelAdmin):
    """Role groups are created by ``grant_role``; here their members are managed."""

    form = RoleGroupMembersForm
    list_display = ["__str__", "role", "member_count"]
    list_filter = ["role"]
    readonly_fields = ["role", "municipality", "region", "vaccinator_organisation", "national_body"]

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.role_group_delete(role_group=obj)

    def delete_queryset(self, request, queryset):
        for role_group in queryset:
            services.role_group_delete(role_group=role_group)

    @admin.display(description="members")
    def member_count(self, obj):
        return obj.group.user_set.count()

    def save_model(self, request, obj, form, change):
        wanted = set(form.cleaned_data["members"])
        current = set(obj.group.user_set.all())
        for user in wanted - current:
            services.membership_grant(user=user, role=obj.role, organisation=obj.organisation)
        for user in current - wanted:
            services.membership_revoke(user=user, role_group=obj)
