# Production image: the same code for web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
COPY . .
RUN pip install --require-hashes -r requirements.lock && pip install --no-deps --no-build-isolation . \
 && useradd --system --home /app conf \
 && DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
 && mkdir -p /app/var && chown -R conf /app/var
USER conf
EXPOSE 8000
CMD ["gunicorn", "mlsys_conf.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
