# Prometheus 2.42 from Debian packages, for machines that cannot pull the public
# `prom/prometheus` image (CI here: scripts/build-base-images.sh builds it on a local Debian
# base). compose.yaml runs `prom/prometheus:v2.42.0` by default — the same version — with the
# same flags; wget is here because the public image's healthcheck uses it.
ARG BASE_IMAGE=debian:12.11-slim
FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="sluice-prometheus" \
      org.opencontainers.image.description="Prometheus from Debian packages (stand-in for the public prom/prometheus image)"
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus wget >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && install -d -o nobody -g nogroup -m 0755 /prometheus
USER nobody
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
