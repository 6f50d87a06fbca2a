"""Signals the references app sends; the claims app listens (dependencies point one way)."""

from django.dispatch import Signal

# Sent inside the transaction that stored the change, with `reference`, `flag`
# (a Claim flag such as "cites_retracted") and `reason` (words for a reviewer).
reference_flagged = Signal()

# Sent after a bulk write created or changed references without save signals (bulk
# queries send none), so that what shows references can be refreshed.
references_changed = Signal()
