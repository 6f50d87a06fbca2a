"""Public pages of the dated releases: the list, and each listed file."""

from django.http import FileResponse, Http404
from django.shortcuts import render

from curation import releases


def release_list(request):
    return render(request, "releases/list.html", {"releases": releases.published()})


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
