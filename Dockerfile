# BerAKHLAK Monitor: one image for web (gunicorn), worker and beat (Celery).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Run from the source tree: settings find templates/, static/ and locale/ next to the packages
    # (BASE_DIR), which `pip install .` alone would leave behind in site-packages.
    PYTHONPATH=/app \
    MEDIA_ROOT=/app/var/media

# WeasyPrint's libraries (PDF reports), gettext for compiled catalogues, pg_dump for `manage.py backup`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libcairo2 \
        libgdk-pixbuf-2.0-0 libffi8 shared-mime-info fonts-dejavu-core \
        gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app
COPY pyproject.toml README.md ./
COPY berakhlak ./berakhlak
COPY evaluations ./evaluations
COPY surveys ./surveys
COPY reports ./reports
COPY forums ./forums
RUN pip install .

# The rest of the tree (manage.py, templates/, static/, locale/ when present); see .dockerignore.
COPY . .

# Static files are collected into the image and served by whitenoise; the key is a throwaway used
# only by this build step.
# Likewise the survey key of these two steps seals nothing.
RUN export SURVEY_KEYS="$(python -m berakhlak.keyring new build)" \
    && DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --no-input \
    && if [ -d locale ]; then \
        DEBUG=0 SECRET_KEY=compilemessages-only-not-a-secret python manage.py compilemessages; fi \
    && mkdir -p /app/var/media /app/var/backups \
    && chown -R app:app /app/var

USER app
EXPOSE 8000
CMD ["gunicorn", "berakhlak.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
