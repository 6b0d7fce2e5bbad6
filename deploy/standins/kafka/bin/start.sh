#!/bin/bash
# Turns the KAFKA_* variables into server.properties the way the official image does
# (KAFKA_LOG_DIRS -> log.dirs; "___" -> "-", "__" -> "_", "_" -> "."), formats the KRaft
# storage once, then runs the broker in the foreground.
set -euo pipefail
config=/opt/kafka/config/server.properties
: > "$config"
while IFS='=' read -r name value; do
    case "$name" in
        KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_PERFORMANCE_OPTS|KAFKA_LOG4J_OPTS) continue ;;
    esac
    key="${name#KAFKA_}"
    key="${key,,}"
    key="${key//___/-}"
    key="${key//__/@}"
    key="${key//_/.}"
    key="${key//@/_}"
    printf '%s=%s\n' "$key" "$value" >> "$config"
done < <(env | grep '^KAFKA_' || true)
grep -q '^log.dirs=' "$config" || echo "log.dirs=/tmp/kraft-combined-logs" >> "$config"
log_dir="$(sed -n 's/^log.dirs=//p' "$config" | cut -d, -f1)"
classpath='/opt/kafka/libs/*'
if [ ! -f "$log_dir/meta.properties" ]; then
    java -cp "$classpath" kafka.tools.StorageTool format --ignore-formatted \
        -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" -c "$config"
fi
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G} -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.xml \
    -cp "$classpath" kafka.Kafka "$config"
