"""The demo province: sizes, valid NIPs, a working login per role, idempotency."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from berakhlak.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, ROOT_CODE
from berakhlak.models import Agency, AgencyKind, Employee, Role, RoleGrant
from berakhlak.nip import nip_problems

pytestmark = pytest.mark.django_db


def seed(employees=300):
    out = StringIO()
    call_command("seed_demo", employees=employees, stdout=out)
    return out.getvalue()


def test_demo_province_shape_and_logins(rf):
    output = seed()
    root = Agency.objects.get(code=ROOT_CODE)
    opd = Agency.objects.filter(parent=root)
    assert 35 <= opd.count() <= 50
    kinds = set(Agency.objects.values_list("kind", flat=True))
    assert {
        AgencyKind.SETDA,
        AgencyKind.BIRO,
        AgencyKind.DINAS,
        AgencyKind.BADAN,
        AgencyKind.RSUD,
        AgencyKind.UPTD,
    } <= kinds
    assert Agency.objects.filter(kind=AgencyKind.RSUD).count() == 4
    assert Employee.objects.count() == 300 + len(DEMO_ACCOUNTS)
    for nip, asn_type in Employee.objects.values_list("nip", "asn_type"):
        assert nip_problems(nip, asn_type) == [], nip
    request = rf.post("/akun/masuk/")
    for account in DEMO_ACCOUNTS:
        assert authenticate(request, username=account.nip, password=DEMO_PASSWORD) is not None, (
            account.key
        )
        assert account.nip in output and account.role_label in output
    for role in Role.values:
        assert RoleGrant.objects.filter(role=role).exists()
    assert "BerAKHLAK-Demo-2026" in output


def test_seed_is_idempotent():
    seed()
    counts = (Agency.objects.count(), Employee.objects.count(), RoleGrant.objects.count())
    seed()
    assert (Agency.objects.count(), Employee.objects.count(), RoleGrant.objects.count()) == counts


def test_some_agencies_are_left_without_a_change_agent():
    seed()
    without = Agency.objects.filter(parent__code=ROOT_CODE).exclude(
        pk__in=RoleGrant.objects.filter(role=Role.CHANGE_AGENT).values("agency")
    )
    assert {"DISPERSIP", "BPBD"} <= set(without.values_list("code", flat=True))


def test_demo_round_is_open_with_simulated_answers_and_the_demo_asn_waiting():
    from evaluations.models import Round, RoundStatus
    from surveys.models import Participation, ParticipationStatus, Response, SealedSubmission

    seed()
    previous, round = Round.objects.order_by("year")
    assert previous.status == RoundStatus.PUBLISHED  # leaders have published figures to read
    assert round.status == RoundStatus.OPEN
    asn = next(a for a in DEMO_ACCOUNTS if a.key == "asn")
    mine = Participation.objects.get(round=round, employee__nip=asn.nip)
    assert mine.status == ParticipationStatus.INVITED
    submitted = Participation.objects.filter(round=round, status=ParticipationStatus.SUBMITTED)
    # This year's answers wait sealed; last year's were released when that round closed.
    assert submitted.count() == SealedSubmission.objects.filter(round=round).count() > 50
    assert not Response.objects.filter(round=round).exists()
    answered_before = Participation.objects.filter(
        round=previous, status=ParticipationStatus.SUBMITTED
    )
    assert answered_before.count() == Response.objects.filter(round=previous).count() > 50
    assert not SealedSubmission.objects.filter(round=previous).exists()
    assert not Response.objects.filter(round=previous, score_bp__isnull=True).exists()
    from reports.models import IndexFigure, IndexRun, RunStatus

    assert IndexRun.objects.filter(round=round, status=RunStatus.DONE).count() == 1
    assert IndexRun.objects.filter(
        round=previous, status=RunStatus.DONE, provisional=False
    ).exists()
    assert IndexFigure.objects.filter(round=round, code="INDIVIDUAL", value__isnull=False).exists()
    seed()
    assert IndexRun.objects.filter(round=round).count() == 1
    assert Round.objects.count() == 2


def test_the_privileged_demo_accounts_get_in_with_the_printed_second_factor(client):
    from django.urls import reverse

    from berakhlak.demo import DEMO_RECOVERY_CODES, demo_totp_code, demo_totp_secret

    output = seed()
    assert demo_totp_secret() in output and "python manage.py demo_code" in output
    assert f"{DEMO_RECOVERY_CODES[0][:4]}-{DEMO_RECOVERY_CODES[0][4:]}" in output
    out = StringIO()
    call_command("demo_code", stdout=out)
    code = out.getvalue().strip()
    assert code == demo_totp_code() and len(code) == 6
    asked = 0
    for account in DEMO_ACCOUNTS:
        client.post(reverse("logout"))
        client.post(reverse("login"), {"username": account.nip, "password": DEMO_PASSWORD})
        home = client.get(reverse("home"))
        if home.status_code == 200:  # change agent, ASN: the password is enough
            assert account.key in {"agent", "asn"}
            continue
        asked += 1
        assert home.url.startswith(reverse("mfa_verify")), account.key
        response = client.post(reverse("mfa_verify"), {"code": code, "next": "/"})
        assert response.status_code == 302, account.key
        assert client.get(reverse("home")).status_code == 200
    assert asked == 4  # admin, evaluator, two leaders


def test_the_demo_leader_sees_a_composite_a_trend_and_the_changes(client):
    """A newcomer sees what the product is for: last year's round published with a composite,
    this year's provisional figures opened to leaders, the trend and the changes between them."""
    from django.urls import reverse

    from berakhlak.models import User

    seed()
    sekda = next(a for a in DEMO_ACCOUNTS if a.key == "leader_province")
    client.force_login(User.objects.get(username=sekda.nip))
    response = client.get(reverse("reports:dashboard"), follow=True)
    assert response.status_code == 200
    trend = response.context["trend"]
    assert len(trend) == 2
    last_year = trend[0].figures["COMPOSITE"]
    assert last_year.value is not None and last_year.band
    html = response.content.decode()
    assert 'data-testid="change-note"' in html and ("▲" in html or "▼" in html)
