"""The moves a person makes on a claim from a screen, shared by the curator pages and the admin.

Each move is a Claim method; this module only says which to offer and calls it.
"""

from curation.models import TRANSITIONS, Action, Status, can_write

# What the screens offer: (label, done-message verb).
DECISIONS = {
    Action.SUBMIT: ("Submit", "submitted"),
    Action.APPROVE: ("Approve", "approved"),
    Action.REQUEST_CHANGES: ("Request changes", "sent back for changes"),
    Action.REJECT: ("Reject", "rejected"),
    Action.WITHDRAW: ("Withdraw", "withdrawn"),
    Action.RETIRE: ("Retire", "retired"),
    Action.REVISE: ("Revise", "revised"),
}
# A reviewer's decisions on someone else's claim, which its author is told about.
DECIDED = (Action.APPROVE, Action.REQUEST_CHANGES, Action.REJECT, Action.RETIRE)


def review_actions(claim, user):
    """The decisions to offer `user` on `claim`; the model method checks again when acting."""
    actions = []
    if claim.may_edit(user):
        actions += [Action.SUBMIT, Action.WITHDRAW]
    if claim.may_decide(user):
        actions += [action for action in DECIDED if claim.status in TRANSITIONS[action][0]]
    if claim.status == Status.APPROVED and can_write(user):
        actions.append(Action.REVISE)
    return actions


def decide(claim, user, action, comment="", override_reason="", version=None):
    """Apply `action` to `claim` through its model method; return the claim to show next."""
    if action == Action.REVISE:
        return claim.revise(user, comment)
    if action == Action.APPROVE:
        claim.approve(user, comment, override_reason=override_reason, version=version)
    else:
        getattr(claim, action)(user, comment, version=version)
    return claim
