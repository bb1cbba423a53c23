"""Django admin for the organisation domain (translated through the models' verbose names)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from berakhlak import services
from berakhlak.models import (
    Agency,
    BehaviourGuide,
    CoreValue,
    Employee,
    RoleGrant,
    RosterImport,
    User,
)


@admin.register(User)
class BerakhlakUserAdmin(UserAdmin):
    list_display = (
        "username",
        "first_name",
        "is_active",
        "is_staff",
        "must_change_password",
        "last_login",
    )
    fieldsets = (*UserAdmin.fieldsets, (None, {"fields": ("must_change_password",)}))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.user_sessions_end(user=obj, by=request.user)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    ordering = ("path",)


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("nip", "name", "asn_type", "agency", "active")
    list_filter = ("asn_type", "active")
    search_fields = ("nip", "name")
    raw_id_fields = ("user", "agency")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if (
            change and "active" in form.changed_data
        ):  # the account follows; deactivation ends sessions
            services.employee_active_set(employee=obj, active=obj.active, by=request.user)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency", "granted_by", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__employee__name", "agency__code")
    raw_id_fields = ("user", "agency", "granted_by")


class BehaviourGuideInline(admin.TabularInline):
    model = BehaviourGuide
    extra = 0


@admin.register(CoreValue)
class CoreValueAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order")
    inlines = [BehaviourGuideInline]


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ("original_name", "status", "uploaded_by", "created_at", "applied_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in RosterImport._meta.fields]


# django-otp's own admin pages would show every authenticator's secret and every recovery code to
# any superuser, unaudited; the one way to change someone's second factor is the audited reset on
# the employee's page (berakhlak.second_factor.second_factor_reset).
for _device_model in (StaticDevice, TOTPDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
