# Redis 7.0 from Debian packages, for machines that cannot pull the public `redis` image (CI
# here: scripts/build-base-images.sh builds it on a local Debian base). compose.yaml runs
# `redis:7.0.15-bookworm` by default and gives the whole `redis-server …` command, so both images
# start the same way: user `redis`, data in /data.
ARG BASE_IMAGE=debian:12.11-slim
FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="sluice-redis" \
      org.opencontainers.image.description="Redis 7.0 from Debian packages (stand-in for the public redis image)"
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && install -d -o redis -g redis -m 0750 /data
USER redis
WORKDIR /data
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no"]
