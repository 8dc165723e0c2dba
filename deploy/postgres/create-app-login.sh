#!/bin/sh
# Runs once, when compose creates the PostgreSQL volume (docker-entrypoint-initdb.d): the login
# the Pulse app works with. It can only be pulse_app: no superuser, no BYPASSRLS, owns nothing.
# The migrations, run by the owner (POSTGRES_USER, through DATABASE_OWNER_URL), keep this role
# and grant it the tables. On an existing volume run the same statement once by hand
# (docs/SECURITY.md, "The database login role").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" --set=password="$PULSE_APP_PASSWORD" <<'SQL'
CREATE ROLE pulse_app LOGIN PASSWORD :'password' NOSUPERUSER NOBYPASSRLS NOINHERIT NOCREATEDB NOCREATEROLE;
SQL
