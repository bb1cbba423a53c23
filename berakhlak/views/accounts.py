"""Login by NIP, logout, password change, and the home page that sends each role to its work."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from berakhlak import permissions, selectors, services
from berakhlak.forms import NipAuthenticationForm, NipPasswordChangeForm
from berakhlak.models import Role
from berakhlak.quarantine import KEEP, quarantine_summary

login_view = auth_views.LoginView.as_view(
    authentication_form=NipAuthenticationForm, redirect_authenticated_user=True
)


@require_POST
def logout_view(request):
    return auth_views.LogoutView.as_view()(request)


@login_required
def password_change(request):
    forced = request.user.must_change_password
    form = NipPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        services.user_password_changed(user=user)
        update_session_auth_hash(request, user)
        messages.success(request, _("Kata sandi Anda telah diganti."))
        return redirect("home")
    return render(request, "registration/password_change.html", {"form": form, "forced": forced})


@login_required
def home(request):
    user = request.user
    roles = permissions.roles_of(user)
    context = {
        "employee": selectors.own_employee(user),
        "is_admin": Role.ADMIN in roles,
        "is_leader": Role.LEADER in roles,
        "is_change_agent": Role.CHANGE_AGENT in roles,
        "is_evaluator": Role.EVALUATOR in roles,
        "scoped_agencies": selectors.agencies_for_user(user).filter(
            pk__in=[agency_id for _r, _p, agency_id in permissions.grants_of(user)]
        ),
        "grants": user.role_grants.select_related("agency").order_by("role"),
        "can_import": permissions.can_import_roster(user),
        # Files the sweeper set aside (docs/ARCHITECTURE.md §12): only a person can tell a
        # rolled-back upload from evidence newer than a restored backup.
        "quarantine": quarantine_summary() if Role.ADMIN in roles else None,
        "quarantine_days": KEEP.days,
    }
    if context["quarantine"] and context["quarantine"]["oldest"]:
        context["quarantine_since"] = dt.date.fromisoformat(context["quarantine"]["oldest"])
    return render(request, "home.html", context)


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout page: says when the (NIP, address) pair may try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked.html", {"cooloff_minutes": minutes}, status=429)
