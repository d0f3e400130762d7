# amap web app, worker and one-shot commands: one image, the command chooses the role.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AMAP_DATA_DIR=/data

RUN useradd --create-home --uid 10001 --user-group amap \
    && mkdir /data && chown amap:amap /data

WORKDIR /app
COPY . .
# Editable install: templates/ and static/ live beside the package, not in it, and are found
# from this checkout. The code stays owned by root, so the app cannot rewrite it.
RUN pip install --no-cache-dir -e .

USER amap
VOLUME /data
EXPOSE 8000

# No curl in the slim image. The Host header is taken from AMAP_BASE_URL so the check passes
# when AMAP_ALLOWED_HOSTS is set.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "-c", "import os, urllib.parse, urllib.request; host = urllib.parse.urlsplit(os.environ.get('AMAP_BASE_URL', '')).netloc or 'localhost'; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"]

CMD ["amap", "serve", "--host", "0.0.0.0", "--port", "8000"]
