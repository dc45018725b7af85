# The partnermap API. Built and started by docker-compose.yml next to Neo4j;
# on its own: docker run -e PARTNERMAP_STORE=... -p 8000:8000 partnermap
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY importers ./importers
COPY api ./api
COPY viz ./viz
RUN pip install . \
    && useradd --create-home --uid 10001 partnermap \
    && mkdir -p /data \
    && chown partnermap /data

USER partnermap
# API keys (hashed) and the audit trail live on the /data volume.
ENV PARTNERMAP_KEYS_PATH=/data/keys.sqlite3 \
    PARTNERMAP_PORT=8000
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

ENTRYPOINT ["partnermap"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
