"""Create the PostgreSQL database DATABASE_URL names, if it does not exist yet.

`make up` runs it so that the production stack starts on a fresh server in one
command. SQLite creates its file by itself, so there is nothing to do there.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from psycopg import sql


class Command(BaseCommand):
    help = "Create the PostgreSQL database named by DATABASE_URL if it is missing."

    def handle(self, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(f"{connection.vendor}: nothing to create.")
            return
        name = connection.settings_dict["NAME"]
        # The server's maintenance database is where CREATE DATABASE is run from.
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                self.stdout.write(f"Database {name} exists.")
                return
            try:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except DatabaseError as e:
                raise CommandError(f"Could not create database {name}: {e}") from None
        self.stdout.write(f"Created database {name}.")
