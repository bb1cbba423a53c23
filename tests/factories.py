"""factory-boy factories shared by every test module."""

from __future__ import annotations

import factory

from berakhlak.models import Agency, AgencyKind, AsnType, Employee, Role, RoleGrant, User
from berakhlak.services import agency_paths_rebuild

TEST_PASSWORD = "Rahasia-Uji-2026"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Dinas Contoh {n}")
    kind = AgencyKind.DINAS
    parent = None

    @factory.post_generation
    def rebuild_paths(obj, create, extracted, **kwargs):
        if create:
            agency_paths_rebuild()
            obj.refresh_from_db()


def _nip(n: int) -> str:
    return f"19860926201505{1 + n % 2}{n % 1000:03d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def persist_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    nip = factory.Sequence(lambda n: f"{19700101 + (n // 1000) % 28:08d}2000011{n % 1000:03d}")
    user = factory.SubFactory(UserFactory, username=factory.SelfAttribute("..nip"))
    name = factory.Sequence(lambda n: f"Pegawai Uji {n}")
    asn_type = AsnType.PNS
    position = "Analis"
    agency = factory.SubFactory(AgencyFactory)
    email = factory.LazyAttribute(lambda o: f"{o.nip}@example.go.id")


def grant(user: User, role: str, agency: Agency) -> RoleGrant:
    return RoleGrant.objects.create(user=user, role=role, agency=agency)


__all__ = ["TEST_PASSWORD", "AgencyFactory", "EmployeeFactory", "Role", "UserFactory", "grant"]
