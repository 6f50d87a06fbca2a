"""Signals the genes app sends; the claims app listens (dependencies point one way)."""

from django.dispatch import Signal

# Sent inside the transaction that stored the change, with `gene` (whose Gene ID
# NCBI discontinued) and `replaced_by` (the gene it was merged into, or None
# when it was withdrawn without a successor).
gene_discontinued = Signal()

# Sent after a bulk write changed genes or names without save signals (bulk
# queries send none), so that pages showing genes can be refreshed.
catalogue_changed = Signal()
