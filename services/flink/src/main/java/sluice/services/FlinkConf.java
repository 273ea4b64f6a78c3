package sluice.services;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The settings every embedded Flink process shares: everything on 127.0.0.1, state under one data folder. */
final class FlinkConf {
  private FlinkConf() {}

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
