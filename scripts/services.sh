#!/usr/bin/env bash
# Start a real server for development and tests, from the Maven artifacts scripts/setup.sh fetched into build/services:
#
#   scripts/services.sh kafka [--data DIR] [options]   Apache Kafka, one KRaft node (broker + controller)
#   scripts/services.sh hdfs  [--data DIR] [options]   Hadoop's MiniDFSCluster: NameNode + DataNode, WebHDFS on
#   scripts/services.sh flink [--data DIR] [options]   Apache Flink's MiniCluster with its REST API (development only)
#   scripts/services.sh flink-jobmanager [options]      a Flink session cluster's JobManager (prints FLINK_REST=URL rpc=ADDR)
#   scripts/services.sh flink-taskmanager --jobmanager ADDR [options]   one of its TaskManagers (FLINK_TASKMANAGER=started)
#
# It listens on free 127.0.0.1 ports and prints exactly one line on standard output once the server answers a real
# request: KAFKA_BOOTSTRAP=127.0.0.1:PORT, WEBHDFS_URL=http://127.0.0.1:PORT/webhdfs/v1 or FLINK_REST=http://127.0.0.1:PORT
# (errors go to standard
# error). It stops cleanly when its standard input closes or on SIGTERM, so it never outlives the process that started
# it; to keep one running in a terminal, leave it in the foreground (Ctrl+C stops it). With --data DIR its data
# survives a restart on the same folder; without, a temporary folder is used and removed.
# Options: services/kafka/src/main/java/sluice/services/KafkaMain.java, .../hdfs/.../HdfsMain.java, .../flink/.../FlinkMain.java.
# The heap is bounded: SLUICE_KAFKA_HEAP (default 256m), SLUICE_HDFS_HEAP (default 256m), SLUICE_FLINK_HEAP (512m).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
kind="${1:-}"
case "$kind" in
  kafka) main=sluice.services.KafkaMain; heap="${SLUICE_KAFKA_HEAP:-256m}" ;;
  hdfs) main=sluice.services.HdfsMain; heap="${SLUICE_HDFS_HEAP:-256m}" ;;
  flink) main=sluice.services.FlinkMain; heap="${SLUICE_FLINK_HEAP:-512m}" ;;
  # A session cluster, the JobManager and each TaskManager a process of its own (tests kill a TaskManager).
  flink-jobmanager) main=sluice.services.FlinkJobManagerMain; heap="${SLUICE_FLINK_JOBMANAGER_HEAP:-384m}" ;;
  flink-taskmanager) main=sluice.services.FlinkTaskManagerMain; heap="${SLUICE_FLINK_TASKMANAGER_HEAP:-512m}" ;;
  *) echo "usage: scripts/services.sh kafka|hdfs|flink|flink-jobmanager|flink-taskmanager [--data DIR] [options]" >&2; exit 2 ;;
esac
shift
dir="$root/build/services/${kind%%-*}"
if [ ! -f "$dir/launcher.jar" ]; then
  echo "services: $kind is not set up here (no $dir/launcher.jar): run scripts/setup.sh" >&2
  exit 3
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jvm=()
# Flink on Java 17 reflects into the JDK (Kryo, its RPC, the SQL code generator): the options of Flink's own config.yaml.
if [ "${kind%%-*}" = flink ]; then
  for p in java.lang java.net java.io java.nio sun.nio.ch java.lang.reflect java.text java.time java.util \
    java.util.concurrent java.util.concurrent.atomic java.util.concurrent.locks; do jvm+=("--add-opens=java.base/$p=ALL-UNNAMED"); done
  jvm+=(--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
    --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED)
fi
if ! command -v "$java" >/dev/null 2>&1; then
  echo "services: $kind needs Java 17 or newer, and no java was found (Debian: apt install openjdk-17-jre-headless)" >&2
  exit 3
fi
exec "$java" "-Xmx$heap" -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Djava.net.preferIPv4Stack=true ${jvm[@]+"${jvm[@]}"} \
  -cp "$dir/launcher.jar:$dir/lib/*" "$main" "$@"
