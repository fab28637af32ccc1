# Sourced by the pg-*.sh scripts: where Debian put PostgreSQL's programs, and how to run them as the
# cluster's owner (PostgreSQL refuses to run as root, so under root that is the postgres user).
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
