from django.core import signing
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from . import about, changelog, emails, spam
from .forms import CorrectionForm
from .models import Correction

SENT_SALT = "corrections.sent"


def about_from(request):
    """The thing named by ?about=, or a response that says why there is none."""
    reference = request.GET.get("about", "")
    try:
        return about.resolve(reference), None
    except about.BadReference:
        response = render(
            request, "corrections/bad_about.html", {"reference": reference}, status=400
        )
    except Http404:
        response = render(
            request, "corrections/bad_about.html", {"reference": reference}, status=404
        )
    return None, response


@require_http_methods(["GET", "HEAD", "POST"])
def new_correction(request):
    thing, refusal = about_from(request)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        if spam.is_over_limit(request):
            return render(request, "corrections/too_many.html", status=429)
        form = CorrectionForm(thing, request.POST)
        if form.is_valid():
            correction = form.save()
            review_url = request.build_absolute_uri(correction.get_absolute_url())
            emails.notify_editors(correction, review_url)
            token = signing.dumps(correction.pk, salt=SENT_SALT)
            return redirect("corrections:correction-sent", token=token)
        status = 400
    else:
        form = CorrectionForm(thing)
        status = 200
    context = {
        "form": form,
        "thing": thing,
        "thing_label": about.describe(thing),
        "reference": about.reference_for(thing),
    }
    return render(request, "corrections/correction_form.html", context, status=status)


@never_cache
def correction_sent(request, token):
    try:
        pk = signing.loads(token, salt=SENT_SALT)
    except signing.BadSignature:
        raise Http404("No such suggestion.") from None
    correction = Correction.objects.filter(pk=pk).first()
    if correction is None:
        raise Http404("No such suggestion.")
    thing = about.find(correction.about)
    context = {
        "correction": correction,
        "thing": thing,
        "thing_label": about.describe(thing) if thing else "",
    }
    return render(request, "corrections/correction_sent.html", context)


def page_number(value):
    """The changelog page's cache key: page 1 has none, "007" is page 7, and
    anything else is kept as sent (and answered 404)."""
    if value and value.isdigit():
        value = str(int(value))
    return None if value in (None, "", "1") else value


class ChangelogView(TemplateView):
    template_name = "corrections/changelog.html"
    query_parameters = {"page": page_number}
    per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(changelog.changes(), self.per_page)
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except (EmptyPage, PageNotAnInteger):
            raise Http404("No such page of the changelog.") from None
        context.update(
            page_obj=page,
            items=changelog.items(page.object_list),
        )
        return context
