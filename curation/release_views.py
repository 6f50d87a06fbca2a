"""Public pages of the dated releases: the list, and each listed file."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from curation import releases


@require_safe
def release_list(request):
    return render(request, "releases/list.html", {"releases": releases.published()})


@require_safe
def release_file(request, release, name):
    found = releases.published_file(release, name)
    if found is None:
        raise Http404("No such release file.")
    path, content_type = found
    try:
        handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    except FileNotFoundError:
        raise Http404("No such release file.") from None
    return FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=f"{release}-{name}"
    )
