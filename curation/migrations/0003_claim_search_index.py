"""A GIN index for full-text search of approved claims, on PostgreSQL only.

Its expression is the SQL of curation.search.search_vector() (to_tsvector with
the "english" configuration over the text), so that the planner uses it; it
is partial, like the search, to approved claims. SQLite has no such index and
searches with LIKE. The index is not in the model state: Django's GinIndex
would be created on SQLite too, where it cannot exist.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS claim_text_search ON curation_claim
USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))
WHERE status = 'approved'
"""
DROP = "DROP INDEX IF EXISTS claim_text_search"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("curation", "0002_groups")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
