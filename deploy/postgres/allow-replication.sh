#!/bin/sh
# Lets standbys of this database stream its WAL (docker-compose.yml's `replicas` profile, docs/replicas.md): the
# image's pg_hba.conf admits password logins to every database but not replication connections. The image runs
# this once, when it creates the data directory; a target created before has to be given the line by hand.
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
