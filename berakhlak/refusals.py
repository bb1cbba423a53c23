"""The one way a service says no (docs/ARCHITECTURE.md §2, "Refusals").

A service that will not do what it was asked raises ``Refused`` (or a subclass named after its
domain, such as ``ReleaseRefused``) with a reason the user can read, already translated or lazy.
``Refused`` is a ``ValidationError``, so a view hands it to ``form.add_error(None, refusal)`` or
shows ``refusal.reason`` as a message, and code that catches ``ValidationError`` keeps working.
Field-level checks of what a user typed stay in forms; a refusal is about the state of the world
(the round is closed, the user holds no role there), not about the shape of the input.

``require(decision)`` is the single guard: it takes a ``Decision`` of the permission modules
(false with a reason) or a plain condition with a reason, and raises ``Refused``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class Refused(ValidationError):
    """A service refused; nothing was written. ``reason`` is for the user, ``code`` for code.

    Several reasons at once (a list) stay one message each in ``messages``; ``reason`` is then
    all of them in one sentence, so that any page can show it."""

    def __init__(self, reason, *, code: str | None = None):
        super().__init__(reason, code=code)
        self.reason = " ".join(self.messages) if isinstance(reason, list) else reason

    def __str__(self) -> str:
        return str(self.reason)


def require(decision, reason=None, *, refusal: type[Refused] = Refused) -> None:
    """Raise ``refusal`` unless ``decision`` is true.

    ``decision`` is a permission ``Decision`` (its own reason is used unless ``reason`` is given)
    or any condition; a false condition without a reason says only that it is not allowed.
    """
    if decision:
        return
    raise refusal(reason or getattr(decision, "reason", "") or _("Tidak diizinkan."))
