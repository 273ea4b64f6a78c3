package sluice.services;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * The embedded development Flink: a MiniCluster (a JobManager and one TaskManager in this JVM) with its REST
 * endpoint and web submission on 127.0.0.1. Development only: one JVM, no high availability.
 *
 * <p>Prints {@code FLINK_REST=http://127.0.0.1:PORT} once the REST API answers {@code /overview}. Stops when standard
 * input closes (it never outlives the process that started it) or on SIGTERM. Checkpoints and savepoints go under
 * the data folder ({@code --data DIR}, kept; else a temporary one, removed at exit), so a job can be stopped with a
 * savepoint and started again from it across restarts.
 *
 * <p>Options: {@code --data DIR}, {@code --slots N} (task slots, default 4), {@code --rest-port N} (default any free
 * one), {@code --set KEY=VALUE} (any Flink option, e.g. {@code execution.checkpointing.interval=5 s}).
 */
public final class FlinkMain {
  public static void main(String[] args) throws Exception {
    // Warnings and errors only (-Dsluice.log=info for more), on standard error.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("sluice.log", "warn"));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    String data = null;
    int slots = 4;
    String restPort = "0";
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[++i] : null;
      if (v == null) usage("option " + a + " needs a value");
      switch (a) {
        case "--data" -> data = v;
        case "--slots" -> slots = Integer.parseInt(v);
        case "--rest-port" -> restPort = v;
        case "--set" -> {
          int eq = v.indexOf('=');
          if (eq <= 0) usage("--set takes KEY=VALUE, got " + v);
          options.put(v.substring(0, eq), v.substring(eq + 1));
        }
        default -> usage("unknown option " + a);
      }
    }
    boolean temporary = data == null;
    Path dir = temporary ? Files.createTempDirectory("sluice-flink-") : Path.of(data).toAbsolutePath();
    Files.createDirectories(dir.resolve("uploads"));

    Map<String, String> conf = new HashMap<>();
    conf.put("rest.address", "127.0.0.1");
    conf.put("rest.bind-address", "127.0.0.1");
    conf.put("rest.bind-port", restPort);
    conf.put("jobmanager.rpc.address", "127.0.0.1");
    conf.put("jobmanager.bind-host", "127.0.0.1");
    conf.put("taskmanager.host", "127.0.0.1");
    conf.put("taskmanager.bind-host", "127.0.0.1");
    conf.put("web.submit.enable", "true");
    conf.put("web.cancel.enable", "true");
    conf.put("web.upload.dir", dir.resolve("uploads").toString());
    conf.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
    conf.put("execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString());
    conf.put("rest.flamegraph.enabled", "false");
    // The REST API's metrics are fetched from the TaskManager this often (default 10 s): the studio draws them live.
    conf.put("metrics.fetcher.update-interval", "1000");
    conf.putAll(options);
    Configuration configuration = Configuration.fromMap(conf);

    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(configuration)
                .withRandomPorts()
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
    Runnable stop =
        () -> {
          synchronized (FlinkMain.class) {
            try {
              cluster.close();
            } catch (Exception e) {
              System.err.println("flink: stopping: " + e);
            }
            if (temporary) deleteTree(dir.toFile());
            System.exit(0);
          }
        };
    for (String signal : new String[] {"TERM", "INT"})
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> new Thread(stop, "sluice-flink-stop").start());
    cluster.start();
    URI rest = cluster.getRestAddress().get();
    String url = "http://127.0.0.1:" + rest.getPort();
    while (!answers(url + "/overview")) Thread.sleep(100);
    System.out.println("FLINK_REST=" + url);
    System.out.flush();
    // Until our parent closes standard input.
    try (InputStream in = System.in) {
      byte[] buf = new byte[256];
      while (in.read(buf) >= 0) {
        // commands: none yet
      }
    } catch (IOException ignored) {
      // a broken pipe means the parent is gone
    }
    stop.run();
  }

  private static boolean answers(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(2000);
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      c.disconnect();
      return code == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) for (File c : children) deleteTree(c);
    f.delete();
  }

  private static void usage(String why) {
    System.err.println("flink: " + why);
    System.err.println("usage: flink [--data DIR] [--slots N] [--rest-port N] [--set KEY=VALUE]");
    System.exit(2);
  }
}
