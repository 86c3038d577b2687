#!/bin/sh
# Schoolbrug restore: a backup of deploy/backup.sh into a named PostgreSQL database and a media
# directory.
#
#   deploy/restore.sh [--force] DUMP MEDIA_TAR DATABASE_URL MEDIA_DIR
#
# The database is created when it does not exist. A database that already holds tables, or a
# media directory with files in it, is refused unless --force is given; --force drops and
# recreates that database and empties the media directory first. Afterwards run
# `manage.py migrate` (a backup of an older version is brought up to date) and start Schoolbrug.
set -eu

usage() {
    echo "usage: $0 [--force] DUMP MEDIA_TAR DATABASE_URL MEDIA_DIR" >&2
    exit 2
}

force=0
if [ "${1:-}" = "--force" ]; then
    force=1
    shift
fi
[ $# -eq 4 ] || usage
dump=$1
media_tar=$2
database_url=$3
media_dir=$4

[ -f "$dump" ] || { echo "No database dump at $dump." >&2; exit 2; }
[ -f "$media_tar" ] || { echo "No media archive at $media_tar." >&2; exit 2; }
case $database_url in
    postgres://*|postgresql://*) ;;
    *) echo "DATABASE_URL must be a postgres:// address." >&2; exit 2 ;;
esac
# The database name is the last path segment; the server's maintenance database "postgres" is
# used to create or drop it.
without_query=${database_url%%\?*}
database=${without_query##*/}
server_url=${without_query%/*}/postgres
case $database in
    ''|*[!A-Za-z0-9_]*) echo "Refusing a database name other than letters, digits and _: '$database'." >&2; exit 2 ;;
esac
pg_restore --list "$dump" >/dev/null || { echo "$dump is not a pg_dump custom-format file." >&2; exit 2; }
tar -tzf "$media_tar" >/dev/null || { echo "$media_tar is not a tar.gz archive." >&2; exit 2; }

exists=$(psql "$server_url" -XAtq -v ON_ERROR_STOP=1 -c "SELECT 1 FROM pg_database WHERE datname = '$database'")
if [ "$exists" = "1" ]; then
    tables=$(psql "$database_url" -XAtq -v ON_ERROR_STOP=1 \
        -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
    if [ "$tables" != "0" ]; then
        if [ $force -eq 0 ]; then
            echo "Database $database already holds $tables tables; nothing was changed. Use --force to replace it." >&2
            exit 1
        fi
        echo "Dropping database $database (--force)."
        psql "$server_url" -Xq -v ON_ERROR_STOP=1 -c "DROP DATABASE \"$database\" WITH (FORCE)"
        exists=""
    fi
fi
if [ -d "$media_dir" ] && [ -n "$(ls -A "$media_dir")" ] && [ $force -eq 0 ]; then
    echo "Media directory $media_dir is not empty; nothing was changed. Use --force to replace it." >&2
    exit 1
fi

[ "$exists" = "1" ] || psql "$server_url" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$database\""
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$database_url" "$dump"

mkdir -p "$media_dir"
if [ $force -eq 1 ]; then
    find "$media_dir" -mindepth 1 -delete
fi
tar -C "$media_dir" -xzf "$media_tar"

echo "Restored database $database and media into $media_dir. Next: manage.py migrate, then start Schoolbrug."
