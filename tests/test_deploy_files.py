"""The Procfile (what `make up` runs) and docker-compose.yml start the same processes."""

import shlex
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Where each runs differs (bind address, the beat schedule's folder); what runs must not.
PLACE_OPTIONS = {"--bind", "--schedule"}


def essentials(command):
    words, kept = shlex.split(command), []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in PLACE_OPTIONS:
            skip = True
        else:
            kept.append(word)
    return kept


def procfile():
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_every_procfile_process_runs_in_docker_compose_with_the_same_command():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    for name, command in procfile().items():
        assert name in services, f"docker-compose.yml has no {name} service"
        assert essentials(services[name]["command"]) == essentials(command), name


def test_the_stack_has_web_a_general_worker_an_ncbi_worker_and_beat():
    processes = procfile()

    assert processes["web"].startswith("gunicorn curation.wsgi")
    assert "-Q celery " in processes["worker"]
    assert f"-Q {settings.NCBI_QUEUE} " in processes["ncbi"]
    assert processes["beat"].startswith("celery -A curation beat")
