"""Paper and offline answers for admins: template -> upload -> preview (or every error) -> confirm."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from berakhlak.refusals import Refused
from berakhlak.roster.xlsx import WorkbookError
from berakhlak.spreadsheet import XLSX_TYPE
from surveys.forms.paper import PaperUploadForm
from surveys.permissions import can_import_paper, can_import_responses
from surveys.selectors.rounds import paper_importable_rounds
from surveys.services.paper_import import (
    PaperImportError,
    content_hash,
    paper_import,
    paper_imported_before,
    paper_plan,
    paper_template_bytes,
)

SESSION_KEY = "paper_import"


def _require_admin(user) -> None:
    if not can_import_paper(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def paper_start(request):
    _require_admin(request.user)
    form = PaperUploadForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        round, upload = form.cleaned_data["round"], form.cleaned_data["file"]
        decision = can_import_responses(request.user, round)
        if not decision:
            form.add_error("round", decision.reason)
            return render(request, "surveys/paper/start.html", context)
        try:
            plan = paper_plan(round=round, fileobj=upload)
        except WorkbookError as error:
            form.add_error("file", str(error))
            return render(request, "surveys/paper/start.html", context)
        if plan.problems:
            context.update(problems=plan.problems, round=round)
            return render(request, "surveys/paper/start.html", context)
        upload.seek(0)
        stored = default_storage.save(f"paper/{uuid.uuid4().hex}.xlsx", upload)
        token = uuid.uuid4().hex
        request.session[SESSION_KEY] = {"token": token, "path": stored, "round": round.pk}
        earlier = paper_imported_before(content_hash(upload))
        context = {
            "round": round,
            "plan": plan,
            "token": token,
            "name": upload.name,
            "earlier": earlier,
        }
        return render(request, "surveys/paper/preview.html", context)
    return render(request, "surveys/paper/start.html", context)


@login_required
@require_POST
def paper_confirm(request):
    _require_admin(request.user)
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(
            request, _("Tidak ada impor yang menunggu konfirmasi; mungkin sudah diterapkan.")
        )
        return redirect("surveys:paper_start")
    round = paper_importable_rounds(request.user).filter(pk=pending["round"]).first()
    if round is None or not can_import_responses(request.user, round):
        raise Http404
    del request.session[SESSION_KEY]
    try:
        with default_storage.open(pending["path"], "rb") as fileobj:
            created = paper_import(
                round=round, fileobj=fileobj, repeat_confirmed=request.POST.get("again") == "1"
            )
    except Refused as refusal:  # the same file again, not confirmed (PaperRepeated)
        messages.error(request, refusal.reason)
        return redirect("surveys:paper_start")
    except (PaperImportError, WorkbookError):
        messages.error(
            request, _("Berkas berubah sejak diperiksa; unggah ulang. Tidak ada yang diimpor.")
        )
        return redirect("surveys:paper_start")
    finally:
        default_storage.delete(pending["path"])
    messages.success(
        request,
        _("%(n)s jawaban kertas diimpor ke %(round)s sebagai jawaban anonim.")
        % {"n": created, "round": round.name},
    )
    return redirect("surveys:paper_start")


@login_required
def paper_template(request, pk: int):
    _require_admin(request.user)
    round = paper_importable_rounds(request.user).filter(pk=pk).first()
    if round is None:
        raise Http404
    response = HttpResponse(paper_template_bytes(round=round), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="jawaban-kertas-putaran-{round.pk}.xlsx"'
    )
    return response
