#!/bin/sh
# The backup service's schedule (compose's "backup" service, or any host without cron): create the stanza
# (idempotent), check that WAL reaches every repository, take a first full backup if a repository has none,
# then every day at BACKUP_AT (container time zone, TZ) a full backup on BACKUP_FULL_WEEKDAY (1-7, Monday is
# 1) and a differential one on the other days, into each repository of BACKUP_REPOS ("1", or "1 2" with the
# S3 repository). pgBackRest expires old backups and WAL after each backup by the retention settings.
set -eu
at="${BACKUP_AT:-01:30}"
full_day="${BACKUP_FULL_WEEKDAY:-7}"
repos="${BACKUP_REPOS:-1}"
stanza="${PGBACKREST_STANZA:-yqyb}"

until pg_isready -q -h /var/run/postgresql; do sleep 2; done
pgbackrest --stanza="$stanza" stanza-create
pgbackrest --stanza="$stanza" check

backup() { # type repo
	echo "$(date -Is) backup: $1 to repo$2"
	if pgbackrest --stanza="$stanza" --repo="$2" --type="$1" backup; then
		echo "$(date -Is) backup: $1 to repo$2 done"
	else
		echo "$(date -Is) backup: $1 to repo$2 FAILED" >&2
	fi
}

for r in $repos; do
	pgbackrest --stanza="$stanza" --repo="$r" info --output=json | grep -q '"type":"full"' || backup full "$r"
done
while :; do
	now=$(date +%s)
	next=$(date -d "today $at" +%s)
	[ "$next" -gt "$now" ] || next=$(date -d "tomorrow $at" +%s)
	sleep $((next - now))
	type=diff
	[ "$(date +%u)" = "$full_day" ] && type=full
	for r in $repos; do backup "$type" "$r"; done
done
