import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curation.settings")

app = Celery("curation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def make_broker_folder(sender, **kwargs):
    # The filesystem broker does not create its own folder.
    options = sender.conf.broker_transport_options
    for key in ("data_folder_in", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)


@signals.worker_init.connect
@signals.beat_init.connect
def refuse_to_start_without_secret_key(**kwargs):
    from django.core.exceptions import ImproperlyConfigured

    from curation.startup import require_secret_key

    try:
        require_secret_key()
    except ImproperlyConfigured as e:
        # Celery logs and swallows a handler's exceptions; SystemExit it lets through.
        raise SystemExit(str(e)) from None
