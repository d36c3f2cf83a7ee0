# ler-verifier: the HTTP service (`ler-verifier serve`) and the arq worker (`ler-verifier worker`) in one image.
# Slim, non-root, with a health check. Settings come from environment variables (README "Settings").
#   docker build -t ler-verifier .
#   docker run -p 8080:8080 -v ler-data:/var/lib/ler-verifier ler-verifier        # embedded: no Redis
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LER_DATA_DIR=/var/lib/ler-verifier

WORKDIR /app
COPY pyproject.toml README.md ./
COPY verifier ./verifier
COPY workers ./workers
COPY trust_registry ./trust_registry
# Installed from the source tree (editable) so the package's data files (bundled contexts, migrations,
# openapi.json) are read from where they are.
RUN pip install -e . \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/ler-verifier --create-home ler \
 && mkdir -p /var/lib/ler-verifier && chown ler:ler /var/lib/ler-verifier

USER ler
VOLUME ["/var/lib/ler-verifier"]
EXPOSE 8080

HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status == 200 else 1)"]

CMD ["ler-verifier", "serve", "--host", "0.0.0.0", "--port", "8080"]
