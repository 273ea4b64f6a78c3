package sluice.services;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The settings every embedded Flink process shares: everything on 127.0.0.1, state under one data folder. */
final class FlinkConf {
  private FlinkConf() {}

  /**
   * The options of an embedded Flink process: {@code --data DIR}, {@code --set KEY=VALUE} (any number: Flink options)
   * and the process's own, each with its default ("" where there is none); anything else is refused.
   */
  static final class Options {
    String data;
    final Map<String, String> set = new HashMap<>();
    private final Map<String, String> own = new HashMap<>();

    static Options parse(Launch launch, String[] args, String... ownWithDefaults) {
      Options o = new Options();
      for (int i = 0; i + 1 < ownWithDefaults.length; i += 2) o.own.put(ownWithDefaults[i], ownWithDefaults[i + 1]);
      for (String[] kv : launch.options(args)) {
        if (kv[0].equals("--data")) o.data = kv[1];
        else if (kv[0].equals("--set")) {
          String[] pair = launch.keyValue(kv[0], kv[1]);
          o.set.put(pair[0], pair[1]);
        } else if (o.own.containsKey(kv[0])) o.own.put(kv[0], kv[1]);
        else launch.fail("unknown option " + kv[0]);
      }
      return o;
    }

    /** One of the process's own options ("" when not given and without a default). */
    String get(String option) {
      return own.get(option);
    }
  }

  /** Loopback addresses, REST submission, checkpoints and savepoints under {@code dir}, figures fetched each second. */
  static Map<String, String> loopback(Path dir, String restPort) {
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
    // The REST API's metrics are fetched from the TaskManagers this often (default 10 s): the studio draws them live.
    conf.put("metrics.fetcher.update-interval", "1000");
    return conf;
  }
}
