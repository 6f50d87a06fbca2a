"""Create the `curators` and `reviewers` groups with their permissions.

Django creates permissions in a post_migrate signal, after all migrations have
run, so on a clean database they do not exist yet here. The rows are created
with get_or_create; the signal later finds them and adds nothing.
"""

from django.db import migrations

CURATOR_PERMISSIONS = {
    ("curation", "claim"): ["add", "change", "view"],
    ("curation", "citation"): ["add", "change", "delete", "view"],
    ("curation", "reviewevent"): ["view"],
    ("references", "reference"): ["add", "change", "view"],
    ("genes", "gene"): ["view"],
    ("genes", "genename"): ["view"],
}
REVIEW_PERMISSION = ("curation", "claim", "review_claim", "Can approve, reject, request changes on and retire claims")
VERBOSE = {"reviewevent": "review event", "genename": "gene name"}


def permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    perm, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return perm


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    curator_perms = [
        permission(apps, app, model, f"{verb}_{model}", f"Can {verb} {VERBOSE.get(model, model)}")
        for (app, model), verbs in CURATOR_PERMISSIONS.items()
        for verb in verbs
    ]
    curators, _ = Group.objects.get_or_create(name="curators")
    curators.permissions.add(*curator_perms)
    reviewers, _ = Group.objects.get_or_create(name="reviewers")
    reviewers.permissions.add(*curator_perms, permission(apps, *REVIEW_PERMISSION))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["curators", "reviewers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0001_initial"),
        ("genes", "0001_initial"),
        ("references", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
