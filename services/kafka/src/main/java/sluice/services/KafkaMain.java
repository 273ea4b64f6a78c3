package sluice.services;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;

/**
 * One Apache Kafka node in KRaft combined mode (broker and controller), on 127.0.0.1 ports.
 *
 * <p>Prints exactly one line on standard output, {@code KAFKA_BOOTSTRAP=127.0.0.1:PORT}, once the broker answers a
 * DescribeCluster request with itself in it. Stops cleanly when standard input closes (so it never outlives the process
 * that started it) or on SIGTERM. Without {@code --data} its log folder is a temporary one, removed at exit.
 *
 * <p>Options: {@code --data DIR}, {@code --node-id N}, {@code --ports CLIENT,INTERNAL,CONTROLLER} (0 = any free),
 * {@code --voters 1@127.0.0.1:P,...} (a cluster; default: this node alone), {@code --security PROTOCOL} (the client
 * listener: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), {@code --scram USER=PASSWORD} (SCRAM-SHA-512 credentials made
 * when the folder is formatted), {@code --set KEY=VALUE} (any broker property).
 */
public final class KafkaMain {
  private static final Launch LAUNCH =
      new Launch(
          "kafka",
          "[--data DIR] [--node-id N] [--ports C,I,K] [--voters ...] [--security PROTOCOL]"
              + " [--scram USER=PASSWORD] [--set KEY=VALUE]");
  private static final String CLUSTER_ID = "c2x1aWNlLWxvY2FsLTAw";

  public static void main(String[] args) throws Exception {
    Launch.quietLogs();
    String data = null;
    int nodeId = 1;
    int[] ports = {0, 0, 0};
    String voters = null;
    String security = "PLAINTEXT";
    List<String> scram = new ArrayList<>();
    Properties extra = new Properties();
    for (String[] o : LAUNCH.options(args)) {
      String v = o[1];
      switch (o[0]) {
        case "--data" -> data = v;
        case "--node-id" -> nodeId = Integer.parseInt(v);
        case "--ports" -> {
          String[] p = v.split(",");
          if (p.length != 3) LAUNCH.fail("--ports takes CLIENT,INTERNAL,CONTROLLER");
          for (int k = 0; k < 3; k++) ports[k] = Integer.parseInt(p[k].trim());
        }
        case "--voters" -> voters = v;
        case "--security" -> security = v;
        case "--scram" -> scram.add(v);
        case "--set" -> {
          String[] kv = LAUNCH.keyValue(o[0], v);
          extra.setProperty(kv[0], kv[1]);
        }
        default -> LAUNCH.fail("unknown option " + o[0]);
      }
    }
    for (int k = 0; k < 3; k++) if (ports[k] == 0) ports[k] = freePort();

    boolean temporary = data == null;
    Path dir = LAUNCH.dataDir(data);
    Path logs = dir.resolve("logs");

    Properties props = new Properties();
    props.setProperty("process.roles", "broker,controller");
    props.setProperty("node.id", Integer.toString(nodeId));
    props.setProperty("controller.quorum.voters", voters != null ? voters : nodeId + "@127.0.0.1:" + ports[2]);
    props.setProperty(
        "listeners",
        "CLIENT://127.0.0.1:" + ports[0] + ",INTERNAL://127.0.0.1:" + ports[1] + ",CONTROLLER://127.0.0.1:" + ports[2]);
    props.setProperty("advertised.listeners", "CLIENT://127.0.0.1:" + ports[0] + ",INTERNAL://127.0.0.1:" + ports[1]);
    props.setProperty(
        "listener.security.protocol.map", "CLIENT:" + security + ",INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.setProperty("inter.broker.listener.name", "INTERNAL");
    props.setProperty("controller.listener.names", "CONTROLLER");
    props.setProperty("log.dirs", logs.toString());
    int replicas = voters == null ? 1 : voters.split(",").length;
    int rf = Math.min(replicas, 3);
    props.setProperty("offsets.topic.replication.factor", Integer.toString(rf));
    props.setProperty("transaction.state.log.replication.factor", Integer.toString(rf));
    props.setProperty("transaction.state.log.min.isr", Integer.toString(Math.max(1, rf - 1)));
    props.setProperty("share.coordinator.state.topic.replication.factor", Integer.toString(rf));
    props.setProperty("share.coordinator.state.topic.min.isr", Integer.toString(Math.max(1, rf - 1)));
    props.setProperty("default.replication.factor", Integer.toString(rf));
    // What a replicated cluster runs with: a write with acks=all is kept by at least two replicas (one of three may
    // be lost without losing an acknowledged record).
    props.setProperty("min.insync.replicas", Integer.toString(Math.max(1, rf - 1)));
    props.setProperty("offsets.topic.num.partitions", "4");
    props.setProperty("num.partitions", "4");
    props.setProperty("group.initial.rebalance.delay.ms", "0");
    props.setProperty("auto.create.topics.enable", "true");
    props.setProperty("num.network.threads", "2");
    props.setProperty("num.io.threads", "2");
    props.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
    props.setProperty("delete.topic.enable", "true");
    if (security.startsWith("SASL_")) {
      props.setProperty("listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512");
      props.setProperty(
          "listener.name.client.scram-sha-512.sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }
    props.putAll(extra);

    Path config = dir.resolve("server.properties");
    try (var out = Files.newBufferedWriter(config)) {
      props.store(out, "written by sluice.services.KafkaMain");
    }
    if (!Files.exists(logs.resolve("meta.properties"))) {
      List<String> format = new ArrayList<>(List.of("format", "-t", CLUSTER_ID, "-c", config.toString(), "--ignore-formatted"));
      for (String s : scram) {
        String[] user = LAUNCH.keyValue("--scram", s);
        format.add("--add-scram");
        format.add("SCRAM-SHA-512=[name=\"" + user[0] + "\",password=\"" + user[1] + "\"]");
      }
      PrintStream quiet = new PrintStream(new java.io.ByteArrayOutputStream());
      int rc = StorageTool.execute(format.toArray(String[]::new), quiet);
      if (rc != 0) throw new IllegalStateException("formatting " + logs + " failed (exit " + rc + ")");
    }

    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    Thread stop =
        new Thread(
            () -> {
              server.shutdown();
              server.awaitShutdown();
              if (temporary) Launch.deleteTree(dir.toFile());
            },
            "sluice-kafka-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    exitWhenStdinCloses();
    server.startup();

    Properties admin = new Properties();
    admin.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + ports[1]);
    admin.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    try (Admin client = Admin.create(admin)) {
      while (true) {
        try {
          var nodes = client.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          final int self = nodeId;
          if (nodes.stream().anyMatch(n -> n.id() == self)) break;
        } catch (Exception notYet) {
          // the broker is still catching up with the metadata log
        }
        Thread.sleep(100);
      }
    }
    System.out.println("KAFKA_BOOTSTRAP=127.0.0.1:" + ports[0]);
    System.out.flush();
  }

  private static void exitWhenStdinCloses() {
    Thread t =
        new Thread(
            () -> {
              Launch.untilInputEnds();
              System.exit(0);
            },
            "sluice-kafka-stdin");
    t.setDaemon(true);
    t.start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
