#!/bin/bash
# What the compose healthcheck needs of the official script: exit 0 only when a broker at
# --bootstrap-server answers a Kafka ApiVersions request without an error.
set -uo pipefail
server=localhost:9092
while [ $# -gt 0 ]; do
    case "$1" in
        --bootstrap-server) server="$2"; shift 2 ;;
        *) shift ;;
    esac
done
exec 3<>"/dev/tcp/${server%:*}/${server##*:}" || exit 1
# size 10 | api key 18 (ApiVersions) | version 0 | correlation id 1 | no client id
printf '\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x01\xff\xff' >&3
reply="$(timeout 5 head -c 10 <&3 | od -An -tx1 | tr -d ' \n')"
exec 3>&-
# size (4 bytes) | correlation id 1 | error code 0
[ "${reply:8:12}" = "000000010000" ] || { echo "no ApiVersions answer from $server" >&2; exit 1; }
echo "$server: ApiVersions answered"
