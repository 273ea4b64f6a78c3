package sluice.services;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;

/**
 * A TaskManager of the embedded Flink session cluster ({@link FlinkJobManagerMain}), a process of its own: killing it
 * (SIGKILL) is a TaskManager lost mid-run, as on a real cluster.
 *
 * <p>Prints {@code FLINK_TASKMANAGER=started} once it runs (it then registers with the JobManager). Stops when standard
 * input closes or on SIGTERM.
 *
 * <p>Options: {@code --jobmanager HOST:PORT} (the JobManager's RPC address, required), {@code --data DIR} (the same
 * data folder as the JobManager's), {@code --slots N} (default 2), {@code --set KEY=VALUE} (any Flink option).
 */
public final class FlinkTaskManagerMain {
  private static final Launch LAUNCH =
      new Launch("flink-taskmanager", "--jobmanager HOST:PORT [--data DIR] [--slots N] [--set KEY=VALUE]");

  public static void main(String[] args) throws Exception {
    Launch.quietLogs();
    FlinkConf.Options options = FlinkConf.Options.parse(LAUNCH, args, "--jobmanager", "", "--slots", "2");
    String jobmanager = options.get("--jobmanager");
    String data = options.data;
    String slots = options.get("--slots");
    if (jobmanager.lastIndexOf(':') <= 0) LAUNCH.fail("--jobmanager HOST:PORT is required");
    boolean temporary = data == null;
    Path dir = LAUNCH.dataDir(data);
    Map<String, String> conf = FlinkConf.loopback(dir, "0");
    conf.put("jobmanager.rpc.address", jobmanager.substring(0, jobmanager.lastIndexOf(':')));
    conf.put("jobmanager.rpc.port", jobmanager.substring(jobmanager.lastIndexOf(':') + 1));
    conf.put("taskmanager.numberOfTaskSlots", slots);
    // The sizes Flink accounts its memory by, set one by one as Flink's start-up script would work them out (the
    // JVM's own heap is set by scripts/services.sh).
    conf.put("taskmanager.memory.framework.heap.size", "64m");
    conf.put("taskmanager.memory.task.heap.size", "256m");
    conf.put("taskmanager.memory.framework.off-heap.size", "64m");
    conf.put("taskmanager.memory.task.off-heap.size", "0m");
    conf.put("taskmanager.memory.managed.size", "64m");
    conf.put("taskmanager.memory.network.min", "64m");
    conf.put("taskmanager.memory.network.max", "64m");
    conf.put("taskmanager.memory.jvm-metaspace.size", "256m");
    conf.put("taskmanager.memory.jvm-overhead.min", "192m");
    conf.put("taskmanager.memory.jvm-overhead.max", "192m");
    conf.put("taskmanager.cpu.cores", slots);
    conf.putAll(options.set);
    Configuration configuration = Configuration.fromMap(conf);
    TaskManagerRunner runner;
    try {
      runner =
          new TaskManagerRunner(
              configuration,
              PluginUtils.createPluginManagerFromRootFolder(configuration),
              TaskManagerRunner::createTaskExecutorService);
      runner.start();
    } catch (Exception e) {
      // Flink's threads would keep the JVM up: say why and end.
      System.err.println("flink-taskmanager: could not start: " + e + (e.getCause() == null ? "" : " / " + e.getCause()));
      if (System.getProperty("sluice.log") != null) e.printStackTrace();
      Runtime.getRuntime().halt(1);
      return;
    }
    Runnable stop =
        () -> {
          synchronized (FlinkTaskManagerMain.class) {
            try {
              runner.closeAsync().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              System.err.println("flink-taskmanager: stopping: " + e);
            }
            if (temporary) Launch.deleteTree(dir.toFile());
            Runtime.getRuntime().halt(0);
          }
        };
    LAUNCH.onSignals(stop);
    System.out.println("FLINK_TASKMANAGER=started");
    System.out.flush();
    Launch.untilInputEnds();
    stop.run();
  }
}
