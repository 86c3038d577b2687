#!/bin/sh
# Schoolbrug backup: the database (pg_dump, custom format; or SQLite's online backup) and a tar of
# the media root, timestamped, into SCHOOLBRUG_BACKUP_DIR; backups older than
# SCHOOLBRUG_BACKUP_KEEP_DAYS days are removed. Reads the same environment as Schoolbrug
# (DATABASE_URL, SCHOOLBRUG_MEDIA_ROOT or SCHOOLBRUG_VAR_DIR). Restore with deploy/restore.sh.
#
#   SCHOOLBRUG_BACKUP_DIR=/var/backups/schoolbrug deploy/backup.sh
#
# Prints the two files it wrote. Copy them off the machine (a backup on the same disk is no backup).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
var_dir=${SCHOOLBRUG_VAR_DIR:-$here/var}
media_root=${SCHOOLBRUG_MEDIA_ROOT:-$var_dir/media}
backup_dir=${SCHOOLBRUG_BACKUP_DIR:-$var_dir/backups}
keep_days=${SCHOOLBRUG_BACKUP_KEEP_DAYS:-14}
database_url=${DATABASE_URL:-sqlite:///$var_dir/schoolbrug.sqlite3}
python=${SCHOOLBRUG_PYTHON:-$here/.venv/bin/python}

case $keep_days in
    ''|*[!0-9]*) echo "SCHOOLBRUG_BACKUP_KEEP_DAYS must be a whole number of days, not '$keep_days'." >&2; exit 2 ;;
esac

umask 077  # backups hold every family's data
mkdir -p "$backup_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
database_file="$backup_dir/schoolbrug-$stamp.dump"
media_file="$backup_dir/schoolbrug-$stamp-media.tar.gz"

# Written under a temporary name and renamed when complete: a half-written file never looks like
# a backup, and the retention below never counts one.
case $database_url in
    postgres://*|postgresql://*)
        pg_dump --format=custom --no-owner --file="$database_file.partial" "$database_url"
        ;;
    sqlite://*)
        # SQLite's backup API copies a consistent snapshot while Schoolbrug keeps running (WAL).
        "$python" - "${database_url#sqlite://}" "$database_file.partial" <<'PY'
import sqlite3, sys
source, target = sys.argv[1], sys.argv[2]
with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
    src.backup(dst)
PY
        ;;
    *)
        echo "Cannot back up DATABASE_URL of this kind: ${database_url%%:*}" >&2
        exit 2
        ;;
esac
mv "$database_file.partial" "$database_file"

mkdir -p "$media_root"
tar -C "$media_root" -czf "$media_file.partial" .
mv "$media_file.partial" "$media_file"

# Retention: whole backups only (our own names), never anything else in the directory.
find "$backup_dir" -maxdepth 1 -type f \( -name 'schoolbrug-*.dump' -o -name 'schoolbrug-*-media.tar.gz' \) \
    -mtime +"$keep_days" -print -delete | sed 's/^/removed old backup /'
find "$backup_dir" -maxdepth 1 -type f -name 'schoolbrug-*.partial' -mmin +1440 -delete

echo "$database_file"
echo "$media_file"
