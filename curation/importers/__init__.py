"""Importers for the documents the project was seeded from.

Each format has a plain parser module (no ORM) that turns a file's text into a
`Document`; `loader.load_document` writes a Document to the database in one
transaction. The management commands glue the two together.
"""
