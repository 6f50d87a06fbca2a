"""Queue a PubMed fetch for references created in a transaction, once it commits.

Whatever creates references (an API call, an admin form, an import), the
references created in one transaction go to the workers as one task, sent only
if the transaction commits. If the broker cannot be reached the commit still
stands: the references stay pending and the periodic fetch_pending task picks
them up.
"""

from django.db import transaction


class QueuedFetch:
    """The on-commit callback of one transaction: the ids it created, sent as fetch tasks."""

    def __init__(self, reference_id):
        self.ids = [reference_id]

    def __call__(self):
        from references.tasks import queue_fetch_ids

        queue_fetch_ids(self.ids)


def fetch_on_commit(reference_id):
    connection = transaction.get_connection()
    # Join the callback this transaction already has, if any. run_on_commit is
    # Django's list of (savepoint ids, callback, robust) for the open transaction.
    if connection.in_atomic_block:
        for _, callback, _ in connection.run_on_commit:
            if isinstance(callback, QueuedFetch):
                callback.ids.append(reference_id)
                return
    transaction.on_commit(QueuedFetch(reference_id), robust=True)
