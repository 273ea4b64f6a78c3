#!/usr/bin/env bash
# Set up a fresh Debian machine for Sluice: system packages (only those missing), then npm packages.
# Electron's binary cannot be downloaded on every machine; without it the studio runs in the browser (web host).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v xvfb-run >/dev/null 2>&1 || need+=(xvfb)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
# ffmpeg and ffprobe do the media work (capture, encode, package) and verify it in the tests.
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
# librdkafka's mock cluster (built below: the local Kafka profile's fallback where Java is missing, and one fault test)
# and kcat, an independent client for the interop tests.
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
dpkg -s librdkafka-dev >/dev/null 2>&1 || need+=(librdkafka-dev)
command -v kcat >/dev/null 2>&1 || need+=(kcat)
# redis-server: the embedded Redis of the local profile, and the tests' Redis.
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# openssl: the Redis and Kafka TLS tests make their own certificate authority.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# Java 17 and Maven: the real Apache Kafka broker and HDFS (services/, started by scripts/services.sh) come from
# Maven Central; the JDK (javac) builds their small launchers.
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
# ps: the tests list processes to prove that no ffmpeg is left behind.
command -v ps >/dev/null 2>&1 || need+=(procps)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${need[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("setup: Node >= 20.19 is needed, found "+process.versions.node); process.exit(1) }'

# Reinstall npm packages only when the lock file changed since the last install.
stamp=node_modules/.sluice-lock
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
# kafkajs loses records on a broker's death mid-send (tulios/kafkajs#1303): patched, see the script.
node scripts/patch-kafkajs.mjs

# The local development Kafka cluster (see native/kafka-mock.c), rebuilt when its source is newer.
if [ ! -x build/kafka-mock ] || [ native/kafka-mock.c -nt build/kafka-mock ]; then
  mkdir -p build
  cc -O2 -Wall -o build/kafka-mock native/kafka-mock.c -lrdkafka
fi

# The real servers: Apache Kafka (KRaft), Hadoop's MiniDFSCluster and Apache Flink's MiniCluster with their launchers,
# and the Flink job jar Sluice deploys, fetched from Maven Central into build/m2 and laid out in
# build/services/{kafka,hdfs,flink}. Skipped when build/services was made from the same
# services/ sources (a second run needs no network).
sources=$(find services -type f \( -name pom.xml -o -name '*.java' \) | LC_ALL=C sort)
digest=$(cat $sources | sha256sum | cut -d' ' -f1)
if [ "$(cat build/services/.digest 2>/dev/null)" != "$digest" ]; then
  echo "setup: fetching Apache Kafka, Hadoop's minicluster and Apache Flink from Maven Central (build/m2) and building their launchers"
  rm -rf build/services
  mvn -B -q -f services/pom.xml -Dmaven.repo.local="$PWD/build/m2" package
  echo "$digest" > build/services/.digest
fi
