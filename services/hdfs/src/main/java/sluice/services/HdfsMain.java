package sluice.services;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * Hadoop's MiniDFSCluster: a real NameNode and DataNode(s) in one JVM, WebHDFS on, on 127.0.0.1 ports.
 *
 * <p>Prints {@code WEBHDFS_URL=http://127.0.0.1:PORT/webhdfs/v1} once WebHDFS answers GETFILESTATUS on the root.
 * Stops cleanly when standard input closes (it never outlives the process that started it) or on SIGTERM. With
 * {@code --data DIR} the name and data folders live there and survive a restart; without, a temporary folder is used
 * and removed.
 *
 * <p>Lines on standard input drive faults for tests: {@code datanode stop}, {@code datanode start}; each is answered
 * on standard output with {@code ok datanode stop} (or {@code error ...}) once done.
 *
 * <p>Options: {@code --data DIR}, {@code --datanodes N}, {@code --http-port N} (WebHDFS's port; default any free
 * one), {@code --set KEY=VALUE} (any HDFS property, e.g.
 * {@code dfs.permissions.enabled=false}).
 */
public final class HdfsMain {
  private static final Launch LAUNCH =
      new Launch("hdfs", "[--data DIR] [--datanodes N] [--http-port N] [--set KEY=VALUE]");

  public static void main(String[] args) throws Exception {
    String data = null;
    int datanodes = 1;
    int httpPort = 0;
    Configuration conf = new Configuration();
    conf.setBoolean("dfs.webhdfs.enabled", true);
    conf.setBoolean("dfs.permissions.enabled", true);
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.set("dfs.namenode.http-bind-host", "127.0.0.1");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.setInt("dfs.replication", 1);
    // A client that loses its DataNode mid-write is told quickly rather than after minutes.
    conf.setInt("dfs.client.socket-timeout", 10_000);
    conf.setInt("dfs.heartbeat.interval", 1);
    for (String[] o : LAUNCH.options(args)) {
      switch (o[0]) {
        case "--data" -> data = o[1];
        case "--datanodes" -> datanodes = Integer.parseInt(o[1]);
        case "--http-port" -> httpPort = Integer.parseInt(o[1]);
        case "--set" -> {
          String[] kv = LAUNCH.keyValue(o[0], o[1]);
          conf.set(kv[0], kv[1]);
        }
        default -> LAUNCH.fail("unknown option " + o[0]);
      }
    }
    boolean temporary = data == null;
    Path dir = LAUNCH.dataDir(data);
    // MiniDFSCluster keeps the NameNode's folders as name-<namenode>-<n> under its base folder.
    boolean formatted = Files.exists(dir.resolve("name-0-1/current/VERSION"));
    conf.setInt("dfs.replication", Math.min(datanodes, 3));

    MiniDFSCluster cluster =
        new MiniDFSCluster.Builder(conf, dir.toFile())
            .numDataNodes(datanodes)
            .nameNodeHttpPort(httpPort)
            .format(!formatted)
            .checkExitOnShutdown(false)
            .build();
    // Stopped on the main path, not in a JVM shutdown hook: Hadoop's services remove their own hooks as they stop,
    // which fails once the JVM is shutting down (and leaves the DataNode half stopped). SIGTERM and Ctrl+C come here
    // through signal handlers; the end of standard input through commands().
    Runnable stop =
        () -> {
          synchronized (HdfsMain.class) {
            if (temporary) {
              cluster.shutdown(true);
              Launch.deleteTree(dir.toFile());
            } else {
              // Not shutdown(false): it marks the whole folder to be deleted when the JVM exits.
              cluster.shutdownDataNodes();
              cluster.shutdownNameNodes();
            }
            System.exit(0);
          }
        };
    LAUNCH.onSignals(stop);
    cluster.waitActive();
    int http = cluster.getNameNode().getHttpAddress().getPort();
    String url = "http://127.0.0.1:" + http + "/webhdfs/v1";
    while (!Launch.answers(url + "/?op=GETFILESTATUS")) Thread.sleep(100);
    System.out.println("WEBHDFS_URL=" + url);
    System.out.flush();
    commands(cluster);
    stop.run();
  }


  /** Reads fault commands until standard input ends, then returns (the caller stops the cluster). */
  private static void commands(MiniDFSCluster cluster) {
    MiniDFSCluster.DataNodeProperties stopped = null;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String cmd = line.trim();
        if (cmd.isEmpty()) continue;
        try {
          switch (cmd) {
            case "datanode stop" -> {
              if (stopped != null) throw new IllegalStateException("the DataNode is already stopped");
              stopped = cluster.stopDataNode(0);
            }
            case "datanode start" -> {
              if (stopped == null) throw new IllegalStateException("no DataNode is stopped");
              cluster.restartDataNode(stopped, true);
              cluster.waitActive();
              stopped = null;
            }
            default -> throw new IllegalArgumentException("unknown command (expected: datanode stop|start)");
          }
          System.out.println("ok " + cmd);
        } catch (Exception e) {
          System.out.println("error " + cmd + ": " + e.getMessage());
        }
        System.out.flush();
      }
    } catch (IOException ignored) {
      // a broken pipe means the parent is gone
    }
  }
}
