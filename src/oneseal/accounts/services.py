"""Writes for accounts: roles and staff members."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from oneseal.kernel import audit
from oneseal.kernel.errors import DomainError

from .models import StaffProfile
from .roles import (
    ADMIN_EDIT_MODELS,
    ADMIN_MODEL_APPS,
    ADMIN_VIEW_APPS,
    ROLE_PERMISSIONS,
    STAFF_ROLES,
    RoleCode,
)


@transaction.atomic
def sync_roles() -> dict[str, Group]:
    """Create the role groups and give each exactly the permissions of ROLE_PERMISSIONS."""
    groups = {}
    role_perms = {p.codename: p for p in Permission.objects.filter(content_type__app_label="accounts",
                                                                    codename__in=ROLE_PERMISSIONS)}
    admin_perms = list(Permission.objects.filter(content_type__app_label__in=ADMIN_MODEL_APPS)
                       .exclude(codename__in=ROLE_PERMISSIONS))
    admin_perms += list(Permission.objects.filter(content_type__app_label__in=ADMIN_VIEW_APPS,
                                                  codename__startswith="view_"))
    for label in ADMIN_EDIT_MODELS:
        app_label, model = label.split(".")
        admin_perms += list(Permission.objects.filter(content_type__app_label=app_label, content_type__model=model)
                            .exclude(codename__startswith="view_"))
    for role in RoleCode:
        group, _created = Group.objects.get_or_create(name=role.value)
        perms = [role_perms[c] for c, holders in ROLE_PERMISSIONS.items() if role in holders and c in role_perms]
        if role == RoleCode.ADMINISTRATOR:
            perms += admin_perms
        group.permissions.set(perms)
        groups[role.value] = group
    return groups


@transaction.atomic
def create_staff_member(*, actor, username: str, password: str | None, full_name: str, role: str,
                        department, region, hall=None, window=None, title: str = "", phone: str = ""):
    """Create a staff account in one role, stationed in a department (and optionally a hall)."""
    if role not in RoleCode.values:
        raise DomainError("unknown_role", _("Unknown role: %(role)s"), field="role", role=role)
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise DomainError("username_taken", _("The username %(username)s is already taken."), field="username",
                          username=username)
    user = User(username=username, is_staff=role in STAFF_ROLES and role == RoleCode.ADMINISTRATOR)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    profile = None
    if role in STAFF_ROLES:
        profile = StaffProfile.objects.create(user=user, full_name=full_name, department=department, hall=hall,
                                              region=region, window=window, title=title, phone=phone)
    audit.record(actor=actor, action="accounts.staff_created", target=user,
                 data={"role": role, "department": department.code, "hall": hall.code if hall else None})
    return user, profile


@transaction.atomic
def create_applicant_account(*, actor, username: str, password: str):
    """An online account for a citizen or an organisation (网上办事账号), in the applicant role."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError as DjangoValidationError

    from oneseal.kernel.errors import FieldIssue, ValidationFailed

    User = get_user_model()
    username = username.strip()
    if not username:
        raise DomainError("required", _("Choose a username."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("username_taken", _("The username %(username)s is already taken."), field="username",
                          username=username)
    user = User(username=username)
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed([FieldIssue(field="password", code="weak_password", message="%(detail)s",
                                           params={"detail": " ".join(exc.messages)})]) from None
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=RoleCode.APPLICANT))
    audit.record(actor=actor or user, action="accounts.applicant_account_created", target=user, data={})
    return user
