/*
 * A local Kafka-protocol cluster for development and tests: librdkafka's mock cluster (a real broker
 * implementation inside librdkafka, in memory), kept alive by this process. NOT for production: no persistence,
 * no SASL/TLS, no CreateTopics API (topics auto-create, or use the `topic` command below).
 *
 * Prints "bootstrap <host:port,...>" once ready, then reads commands on stdin, one per line, answering
 * "ok" or "error <reason>":
 *   down <broker id>               take a broker down (connections refused)
 *   up <broker id>                 bring it back
 *   topic <name> <partitions>      create a topic
 *   rtt <broker id> <ms>           add round-trip latency to a broker
 *   fail <api key> <error> <n>     answer the next n requests of that API (e.g. 14 SyncGroup) with that error code
 * It exits when stdin closes, so it never outlives the process that started it.
 *
 * Build: cc -O2 -o kafka-mock kafka-mock.c -lrdkafka   (Debian: librdkafka-dev)
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int brokers = argc > 1 ? atoi(argv[1]) : 1;
  if (brokers < 1) brokers = 1;
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    fprintf(stderr, "kafka-mock: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) {
    fprintf(stderr, "kafka-mock: could not create the mock cluster\n");
    return 1;
  }
  printf("bootstrap %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);
  char line[1024];
  while (fgets(line, sizeof line, stdin)) {
    char cmd[32] = "", name[512] = "";
    int a = 0, b = 0, c = 0;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (sscanf(line, "down %d", &a) == 1) err = rd_kafka_mock_broker_set_down(mc, a);
    else if (sscanf(line, "up %d", &a) == 1) err = rd_kafka_mock_broker_set_up(mc, a);
    else if (sscanf(line, "rtt %d %d", &a, &b) == 2) err = rd_kafka_mock_broker_set_rtt(mc, a, b);
    else if (sscanf(line, "topic %511s %d", name, &a) == 2) err = rd_kafka_mock_topic_create(mc, name, a, 1);
    else if (sscanf(line, "fail %d %d %d", &a, &b, &c) == 3 && c > 0 && c <= 64) {
      rd_kafka_resp_err_t errors[64];
      for (int i = 0; i < c; i++) errors[i] = (rd_kafka_resp_err_t)b;
      rd_kafka_mock_push_request_errors_array(mc, (int16_t)a, (size_t)c, errors);
    }
    else {
      sscanf(line, "%31s", cmd);
      printf("error unknown command \"%s\"\n", cmd);
      fflush(stdout);
      continue;
    }
    if (err) printf("error %s\n", rd_kafka_err2str(err));
    else printf("ok\n");
    fflush(stdout);
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
