#!/usr/bin/env bash
# Makes sure a MariaDB server is reachable on 127.0.0.1 for LM's tests, on any Debian machine:
#   installs it from Debian's packages when absent, starts it when stopped, and creates the LM login
#   (user ${LM_MYSQL_USER:-lm}, password ${LM_MYSQL_PASSWORD:-empty}) allowed over 127.0.0.1 on the lm* databases.
# Idempotent. Skipped when LM_MYSQL_HOST points elsewhere (then the server is yours to provide).
set -euo pipefail
host="${LM_MYSQL_HOST:-127.0.0.1}"
port="${LM_MYSQL_PORT:-3306}"
user="${LM_MYSQL_USER:-lm}"
password="${LM_MYSQL_PASSWORD:-}"
if [[ "$host" != "127.0.0.1" && "$host" != "localhost" ]]; then
    echo "ensure_mariadb: LM_MYSQL_HOST=$host is not local; not managing the server."
    exit 0
fi
sudo_cmd=()
if [[ "$(id -u)" != "0" ]]; then sudo_cmd=(sudo); fi

if ! command -v mariadbd >/dev/null 2>&1 && [[ ! -x /usr/sbin/mariadbd ]]; then
    echo "ensure_mariadb: installing mariadb-server from Debian's packages..."
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq mariadb-server mariadb-client >/dev/null
fi

ping() { mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1 || mariadb-admin -h127.0.0.1 -P"$port" -uroot ping >/dev/null 2>&1; }
if ! ping; then
    echo "ensure_mariadb: starting mariadbd..."
    "${sudo_cmd[@]}" mkdir -p /run/mysqld
    "${sudo_cmd[@]}" chown mysql:mysql /run/mysqld 2>/dev/null || true
    "${sudo_cmd[@]}" start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
    for _ in $(seq 1 60); do ping && break; sleep 1; done
    ping || { echo "ensure_mariadb: MariaDB did not start within 60 s" >&2; exit 1; }
fi

# Root over the Unix socket first (Debian's default), then over TCP with an empty password (dev machines).
as_root() {
    mariadb --protocol=socket -uroot "$@" 2>/dev/null || mariadb -h127.0.0.1 -P"$port" -uroot "$@"
}
sql_password=${password//\'/\'\'}
as_root <<SQL
CREATE USER IF NOT EXISTS '${user}'@'127.0.0.1' IDENTIFIED BY '${sql_password}';
CREATE USER IF NOT EXISTS '${user}'@'localhost' IDENTIFIED BY '${sql_password}';
ALTER USER '${user}'@'127.0.0.1' IDENTIFIED BY '${sql_password}';
ALTER USER '${user}'@'localhost' IDENTIFIED BY '${sql_password}';
GRANT ALL PRIVILEGES ON \`lm%\`.* TO '${user}'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`lm%\`.* TO '${user}'@'localhost';
FLUSH PRIVILEGES;
SQL
mariadb -h127.0.0.1 -P"$port" -u"$user" ${password:+-p"$password"} -e "select 1" >/dev/null
echo "ensure_mariadb: MariaDB $(mariadb -h127.0.0.1 -P"$port" -u"$user" ${password:+-p"$password"} -N -e 'select version()') ready for user '$user' on 127.0.0.1:$port"
