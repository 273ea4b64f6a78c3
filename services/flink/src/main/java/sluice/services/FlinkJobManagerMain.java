package sluice.services;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;

/**
 * The JobManager of an embedded Flink session cluster (Flink's StandaloneSessionClusterEntrypoint) on 127.0.0.1; its
 * TaskManagers run as processes of their own ({@link FlinkTaskManagerMain}), so that one can be killed, and added,
 * while a job runs. Development and tests only: no high availability.
 *
 * <p>Prints {@code FLINK_REST=http://127.0.0.1:PORT rpc=127.0.0.1:PORT} once the REST API answers {@code /overview}
 * (TaskManagers join at the RPC address). Stops when standard input closes or on SIGTERM.
 *
 * <p>Options: {@code --data DIR} (checkpoints and savepoints; TaskManagers write there too), {@code --rest-port N},
 * {@code --set KEY=VALUE} (any Flink option, e.g. {@code heartbeat.timeout=5000}).
 */
public final class FlinkJobManagerMain {
  private static final Launch LAUNCH =
      new Launch("flink-jobmanager", "[--data DIR] [--rest-port N] [--set KEY=VALUE]");

  public static void main(String[] args) throws Exception {
    Launch.quietLogs();
    FlinkConf.Options options = FlinkConf.Options.parse(LAUNCH, args, "--rest-port", "0");
    String data = options.data;
    String restPort = options.get("--rest-port");
    boolean temporary = data == null;
    Path dir = LAUNCH.dataDir(data);
    Files.createDirectories(dir.resolve("uploads"));
    Map<String, String> conf = FlinkConf.loopback(dir, restPort);
    conf.put("jobmanager.rpc.port", "0");
    conf.put("jobmanager.memory.process.size", "1024m");
    conf.putAll(options.set);
    StandaloneSessionClusterEntrypoint entrypoint =
        new StandaloneSessionClusterEntrypoint(Configuration.fromMap(conf));
    Runnable stop =
        () -> {
          synchronized (FlinkJobManagerMain.class) {
            try {
              entrypoint.closeAsync().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              System.err.println("flink-jobmanager: stopping: " + e);
            }
            if (temporary) Launch.deleteTree(dir.toFile());
            Runtime.getRuntime().halt(0);
          }
        };
    LAUNCH.onSignals(stop);
    try {
      entrypoint.startCluster();
    } catch (Exception e) {
      // Flink's threads would keep the JVM up: say why and end.
      System.err.println("flink-jobmanager: could not start: " + e);
      Runtime.getRuntime().halt(1);
    }
    String url = "http://127.0.0.1:" + entrypoint.getRestPort();
    while (!Launch.answers(url + "/overview")) Thread.sleep(100);
    System.out.println("FLINK_REST=" + url + " rpc=127.0.0.1:" + entrypoint.getRpcPort());
    System.out.flush();
    Launch.untilInputEnds();
    stop.run();
  }
}
