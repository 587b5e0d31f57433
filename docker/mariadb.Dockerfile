# MariaDB 10.11 from Debian packages, for machines that cannot pull the public `mariadb` image
# (CI here: scripts/build-base-images.sh builds it on a local Debian base). compose.yaml runs
# `mariadb:10.11.11` by default; this image keeps the part of its contract the stack uses:
# MARIADB_ROOT_PASSWORD / MARIADB_DATABASE / MARIADB_USER / MARIADB_PASSWORD,
# /docker-entrypoint-initdb.d/*.sql run once on an empty data folder, `mariadbd …` as the command.
ARG BASE_IMAGE=debian:12.11-slim
FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="sluice-mariadb" \
      org.opencontainers.image.description="MariaDB 10.11 from Debian packages (stand-in for the public mariadb image)"
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/lib/mysql \
 && install -d -o mysql -g mysql -m 0750 /var/lib/mysql \
 && install -d -o mysql -g mysql -m 0755 /run/mysqld /docker-entrypoint-initdb.d \
 && printf '[mariadbd]\nbind-address = 0.0.0.0\nskip-name-resolve\n' \
      >/etc/mysql/mariadb.conf.d/99-container.cnf
COPY mariadb-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER mysql
EXPOSE 3306
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["mariadbd"]
