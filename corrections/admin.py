"""The editors' review queue of fans' corrections.

Editors (the Editors group) may view and decide every suggestion; only
administrators (superusers) may delete one. A suggestion's admin page is a
review page, not an edit form: the fan's words are never edited, only
decided on (accept, reject with a reason, or mark as a duplicate).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from races.permissions import EDITORS_GROUP

from . import about, emails, fields
from .forms import is_web_link
from .models import Correction


def is_reviewer(user) -> bool:
    """Editors and administrators work the queue."""
    if not (user.is_active and user.is_staff):
        return False
    return (
        user.is_superuser
        or user.has_perm("corrections.change_correction")
        or user.groups.filter(name=EDITORS_GROUP).exists()
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("accept", "Accept"),
            ("reject", "Reject"),
            ("duplicate", "Duplicate"),
        ],
        widget=forms.HiddenInput,
    )
    opened_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0
    )
    rejection_reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        help_text="Sent to the fan if they gave an email.",
    )
    duplicate_of = forms.IntegerField(
        label="Duplicate of suggestion #", required=False, min_value=1
    )

    def __init__(self, correction, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.correction = correction

    def clean(self):
        cleaned_data = super().clean()
        action = cleaned_data.get("action")
        if action == "reject" and not cleaned_data.get("rejection_reason", "").strip():
            self.add_error("rejection_reason", "Give the reason; the fan may read it.")
        if action == "duplicate":
            number = cleaned_data.get("duplicate_of")
            original = Correction.objects.filter(pk=number).first()
            if number is not None and number == self.correction.pk:
                self.add_error("duplicate_of", "A suggestion cannot repeat itself.")
            elif original is None:
                self.add_error("duplicate_of", "Give the number of another suggestion.")
            cleaned_data["original"] = original
        return cleaned_data


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "sent_at",
        "status",
        "about_label",
        "field_label",
        "change",
        "source_link",
    ]
    list_display_links = ["number", "about_label"]
    list_filter = ["status"]
    search_fields = ["target_label", "proposed_value", "source", "problem"]
    ordering = ["sent_at", "pk"]
    list_per_page = 50

    # Editors work the queue without a permission of their own in the group,
    # which races.permissions keeps to the season data.
    def has_module_permission(self, request):
        return is_reviewer(request.user)

    def has_view_permission(self, request, obj=None):
        return is_reviewer(request.user)

    def has_change_permission(self, request, obj=None):
        return is_reviewer(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.display(description="#", ordering="pk")
    def number(self, correction):
        return f"#{correction.pk}"

    @admin.display(description="about", ordering="target_label")
    def about_label(self, correction):
        return correction.target_label

    @admin.display(description="value when sent → proposed")
    def change(self, correction):
        before = correction.value_when_sent if correction.field else ""
        proposed = f"“{correction.proposed_value}”"
        return f"{before} → {proposed}" if before else proposed

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "Suggestions from fans", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description="field")
    def field_label(self, correction):
        target = about.find(correction.target) if correction.field else None
        if target is None:
            return correction.field or "–"
        return fields.field_label(type(target), correction.field) or correction.field

    @admin.display(description="source")
    def source_link(self, correction):
        return source_html(correction.source)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        correction = self.get_object(request, unquote(object_id))
        if correction is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, correction):
            raise PermissionDenied
        form = None
        if request.method == "POST":
            form = DecisionForm(correction, request.POST)
            if form.is_valid():
                return self.decide(request, correction, form.cleaned_data)
        return self.review(request, correction, form)

    def review(self, request, correction, form=None):
        target = about.find(correction.target)
        page = about.find(correction.about)
        one_step = bool(
            target is not None
            and correction.field
            and fields.is_one_step(target, correction.field)
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Suggestion #{correction.pk}",
            "opts": self.opts,
            "original": correction,
            "correction": correction,
            "target": target,
            "page": page,
            "field_label": self.field_label(correction),
            "value_now": fields.current_value(target, correction.field),
            "source": source_html(correction.source),
            "is_one_step": one_step,
            "edit_url": admin_change_url(target),
            "opened_version": getattr(target, "edit_version", ""),
            "form": form,
            "has_delete_permission": self.has_delete_permission(request, correction),
        }
        return TemplateResponse(
            request,
            "admin/corrections/correction/review.html",
            context,
            status=400 if form is not None else 200,
        )

    def decide(self, request, correction, data):
        action = data["action"]
        target = about.find(correction.target)
        with transaction.atomic():
            locked = Correction.objects.select_for_update().get(pk=correction.pk)
            if locked.is_decided:
                messages.error(
                    request,
                    f"Suggestion #{locked.pk} was already decided "
                    f"({locked.get_status_display().lower()}).",
                )
                return redirect(request.path)
            if action == "reject":
                locked.decide(
                    Correction.Status.REJECTED,
                    request.user,
                    rejection_reason=data["rejection_reason"].strip(),
                )
            elif action == "duplicate":
                locked.decide(
                    Correction.Status.DUPLICATE,
                    request.user,
                    duplicate_of=data["original"],
                )
            else:
                response = self.accept(request, locked, target, data)
                if response is not None:
                    return response
            self.log_change(request, locked, locked.get_status_display())
            emails.notify_submitter(locked, public_url(request, locked))
        if locked.is_applied:
            messages.success(
                request,
                f"Suggestion #{locked.pk} accepted: {self.field_label(locked)} of "
                f"{locked.target_label} is now “{locked.proposed_value}”.",
            )
            return redirect(queue_url())
        if action != "accept":
            messages.success(
                request,
                f"Suggestion #{locked.pk}: {locked.get_status_display().lower()}.",
            )
            return redirect(queue_url())
        messages.info(
            request,
            f"Suggestion #{locked.pk} accepted. Now make the change here: "
            f"{self.field_label(locked)} → “{locked.proposed_value}” "
            f"(source: {locked.source}).",
        )
        return redirect(admin_change_url(target) or queue_url())

    def accept(self, request, correction, target, data):
        """Apply a one-step change, or accept for the editor to make it by
        hand. Returns a response when the change is refused."""
        if target is None:
            messages.error(
                request,
                "What it is about no longer exists: reject it, or mark it as a "
                "duplicate.",
            )
            return redirect(request.path)
        if correction.field and fields.is_one_step(target, correction.field):
            meta = target._meta
            if not request.user.has_perm(f"{meta.app_label}.change_{meta.model_name}"):
                raise PermissionDenied
            try:
                fields.apply(
                    target,
                    correction.field,
                    correction.proposed_value,
                    number=correction.pk,
                    opened_version=data.get("opened_version"),
                )
            except fields.Refused as refused:
                transaction.set_rollback(True)
                messages.error(request, f"Not applied: {refused}")
                return redirect(request.path)
            correction.decide(Correction.Status.ACCEPTED, request.user, is_applied=True)
        else:
            correction.decide(Correction.Status.ACCEPTED, request.user)
        return None


def queue_url() -> str:
    return reverse("admin:corrections_correction_changelist") + "?status__exact=new"


def public_url(request, correction) -> str:
    page = about.find(correction.about)
    return request.build_absolute_uri(page.get_absolute_url()) if page else ""


def admin_change_url(obj) -> str:
    if obj is None:
        return ""
    meta = obj._meta
    name = f"admin:{meta.app_label}_{meta.model_name}_change"
    try:
        return reverse(name, args=[obj.pk])
    except NoReverseMatch:
        return ""


def source_html(source: str):
    """A web link as a link (never fetched, no referrer, not followed by
    search engines); anything else as text."""
    if is_web_link(source):
        return format_html(
            '<a href="{}" rel="nofollow noopener noreferrer ugc">{}</a>', source, source
        )
    return source
