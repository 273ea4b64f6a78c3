package sluice.services;

import java.io.File;
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
  private static final String CLUSTER_ID = "c2x1aWNlLWxvY2FsLTAw";

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("sluice.log", "warn"));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    String data = null;
    int nodeId = 1;
    int[] ports = {0, 0, 0};
    String voters = null;
    String security = "PLAINTEXT";
    List<String> scram = new ArrayList<>();
    Properties extra = new Properties();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      if (v == null) usage("option " + a + " needs a value");
      i++;
      switch (a) {
        case "--data" -> data = v;
        case "--node-id" -> nodeId = Integer.parseInt(v);
        case "--ports" -> {
          String[] p = v.split(",");
          if (p.length != 3) usage("--ports takes CLIENT,INTERNAL,CONTROLLER");
          for (int k = 0; k < 3; k++) ports[k] = Integer.parseInt(p[k].trim());
        }
        case "--voters" -> voters = v;
        case "--security" -> security = v;
        case "--scram" -> scram.add(v);
        case "--set" -> {
          int eq = v.indexOf('=');
          if (eq <= 0) usage("--set takes KEY=VALUE, got " + v);
          extra.setProperty(v.substring(0, eq), v.substring(eq + 1));
        }
        default -> usage("unknown option " + a);
      }
    }
    for (int k = 0; k < 3; k++) if (ports[k] == 0) ports[k] = freePort();

    boolean temporary = data == null;
    Path dir = temporary ? Files.createTempDirectory("sluice-kafka-") : Path.of(data).toAbsolutePath();
    Files.createDirectories(dir);
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
        int eq = s.indexOf('=');
        if (eq <= 0) usage("--scram takes USER=PASSWORD");
        format.add("--add-scram");
        format.add("SCRAM-SHA-512=[name=\"" + s.substring(0, eq) + "\",password=\"" + s.substring(eq + 1) + "\"]");
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
              if (temporary) deleteTree(dir.toFile());
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
              try {
                while (System.in.read() >= 0) {
                  // lines on standard input are ignored; its end means the parent is gone
                }
              } catch (IOException ignored) {
                // a broken pipe is an end too
              }
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

  static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) for (File c : children) deleteTree(c);
    f.delete();
  }

  private static void usage(String why) {
    System.err.println("kafka: " + why);
    System.err.println(
        "usage: kafka [--data DIR] [--node-id N] [--ports C,I,K] [--voters ...] [--security PROTOCOL]"
            + " [--scram USER=PASSWORD] [--set KEY=VALUE]");
    System.exit(2);
  }
}
