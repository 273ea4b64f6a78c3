#!/usr/bin/env bash
# Start a real server for development and tests, from the Maven artifacts scripts/setup.sh fetched into build/services:
#
#   scripts/services.sh kafka [--data DIR] [options]   Apache Kafka, one KRaft node (broker + controller)
#   scripts/services.sh hdfs  [--data DIR] [options]   Hadoop's MiniDFSCluster: NameNode + DataNode, WebHDFS on
#
# It listens on free 127.0.0.1 ports and prints exactly one line on standard output once the server answers a real
# request: KAFKA_BOOTSTRAP=127.0.0.1:PORT or WEBHDFS_URL=http://127.0.0.1:PORT/webhdfs/v1 (errors go to standard
# error). It stops cleanly when its standard input closes or on SIGTERM, so it never outlives the process that started
# it; to keep one running in a terminal, leave it in the foreground (Ctrl+C stops it). With --data DIR its data
# survives a restart on the same folder; without, a temporary folder is used and removed.
# Options: services/kafka/src/main/java/sluice/services/KafkaMain.java and .../hdfs/.../HdfsMain.java.
# The heap is bounded: SLUICE_KAFKA_HEAP (default 256m), SLUICE_HDFS_HEAP (default 256m).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kind="${1:-}"
case "$kind" in
  kafka) main=sluice.services.KafkaMain; heap="${SLUICE_KAFKA_HEAP:-256m}" ;;
  hdfs) main=sluice.services.HdfsMain; heap="${SLUICE_HDFS_HEAP:-256m}" ;;
  *) echo "usage: scripts/services.sh kafka|hdfs [--data DIR] [options]" >&2; exit 2 ;;
esac
shift
dir="$root/build/services/$kind"
if [ ! -f "$dir/launcher.jar" ]; then
  echo "services: $kind is not set up here (no $dir/launcher.jar): run scripts/setup.sh" >&2
  exit 3
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if ! command -v "$java" >/dev/null 2>&1; then
  echo "services: $kind needs Java 17 or newer, and no java was found (Debian: apt install openjdk-17-jre-headless)" >&2
  exit 3
fi
exec "$java" "-Xmx$heap" -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Djava.net.preferIPv4Stack=true \
  -cp "$dir/launcher.jar:$dir/lib/*" "$main" "$@"
