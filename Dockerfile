# One image for every process of the stack; docker-compose.yml picks the command.

# The compiled PubMed record reader (references/_pubmed_fast.c) needs a C compiler; the
# image that runs it does not.
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY setup.py .
COPY references/_pubmed_fast.c references/
RUN pip install --no-cache-dir "setuptools>=65" && python setup.py -q build_ext --inplace

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
COPY --from=build /src/references/_pubmed_fast*.so references/
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0 \
    && useradd --create-home curation && mkdir -p var && chown curation var
USER curation
EXPOSE 8000
