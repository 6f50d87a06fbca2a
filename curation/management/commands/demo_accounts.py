from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

# Known passwords are fine only because this refuses to run unless DEBUG is on.
DEMO_ACCOUNTS = [
    ("curator", "curator-demo-pw", "curators", False),
    ("reviewer", "reviewer-demo-pw", "reviewers", False),
    ("admin", "admin-demo-pw", None, True),
]


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo curator, reviewer and admin accounts. Local development only."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create demo accounts with known passwords while DEBUG is off."
            )
        self.stdout.write("Demo accounts (username / password):")
        for username, password, group, superuser in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            user.set_password(password)
            user.is_staff = True
            user.is_superuser = superuser
            user.is_active = True
            user.save()
            if group:
                user.groups.set([Group.objects.get(name=group)])
            role = group or "superuser"
            self.stdout.write(f"  {username:<9} {password:<18} ({role})")
