package sluice.services;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
  private static final Launch LAUNCH =
      new Launch("flink", "[--data DIR] [--slots N] [--rest-port N] [--set KEY=VALUE]");

  public static void main(String[] args) throws Exception {
    Launch.quietLogs();
    FlinkConf.Options options = FlinkConf.Options.parse(LAUNCH, args, "--slots", "4", "--rest-port", "0");
    String data = options.data;
    int slots = Integer.parseInt(options.get("--slots"));
    String restPort = options.get("--rest-port");
    boolean temporary = data == null;
    Path dir = LAUNCH.dataDir(data);
    Files.createDirectories(dir.resolve("uploads"));

    Map<String, String> conf = FlinkConf.loopback(dir, restPort);
    conf.putAll(options.set);
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
            if (temporary) Launch.deleteTree(dir.toFile());
            System.exit(0);
          }
        };
    LAUNCH.onSignals(stop);
    cluster.start();
    URI rest = cluster.getRestAddress().get();
    String url = "http://127.0.0.1:" + rest.getPort();
    while (!Launch.answers(url + "/overview")) Thread.sleep(100);
    System.out.println("FLINK_REST=" + url);
    System.out.flush();
    Launch.untilInputEnds();
    stop.run();
  }
}
