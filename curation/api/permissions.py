from rest_framework.permissions import SAFE_METHODS, BasePermission

from curation.models import can_write


class ReadOnlyOrCurator(BasePermission):
    """Anyone reads; only curators (and reviewers, admins) write.

    Who may take a given step on a given claim is the model's rule, checked
    when the step is taken; this only turns away callers who can write nothing.
    A caller with no credentials gets a 401, not this 403.
    """

    message = "Only curators can write through the API."
    code = "not_curator"

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or can_write(request.user)
