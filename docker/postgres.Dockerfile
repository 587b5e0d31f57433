# PostgreSQL 15 from Debian packages, for machines that cannot pull the public `postgres` image
# (CI here: scripts/build-base-images.sh builds it on a local Debian base). compose.yaml runs
# `postgres:15.13-bookworm` by default; this image keeps the part of its contract the stack uses:
# POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB, PGDATA, /docker-entrypoint-initdb.d/*.sql and
# *.sh run once on an empty data folder, `postgres -c …` as the command, pg_isready.
ARG BASE_IMAGE=debian:12.11-slim
FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="sluice-postgres" \
      org.opencontainers.image.description="PostgreSQL 15 from Debian packages (stand-in for the public postgres image)"
# No default cluster: the entry point makes one in PGDATA on first start.
RUN mkdir -p /etc/postgresql-common \
 && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf \
 && apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data \
 && install -d -o postgres -g postgres -m 2775 /var/run/postgresql /docker-entrypoint-initdb.d
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]
