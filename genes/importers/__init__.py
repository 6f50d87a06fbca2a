"""Bulk imports of NCBI's gene_info and gene_history files and HGNC's complete set.

Each importer streams its file (plain or gzipped) in chunks of rows, writes a
chunk in one transaction with bulk queries, and returns a Summary. Malformed
lines are skipped and reported by line number; the import goes on.
"""
