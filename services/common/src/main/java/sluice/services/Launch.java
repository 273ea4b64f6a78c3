package sluice.services;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What Sluice's development servers (Kafka, HDFS, Flink) share: their options and the usage line that refuses a bad
 * one (exit 2), a readiness probe, stopping on SIGTERM/Ctrl+C and at the end of standard input (so that a server never
 * outlives the process that started it), and the data folder (kept with {@code --data}, else temporary and removed).
 */
public final class Launch {
  private final String name;
  private final String usage;

  /** {@code name} prefixes every message; {@code usage} is the options part of the usage line. */
  public Launch(String name, String usage) {
    this.name = name;
    this.usage = usage;
  }

  /** Warnings and errors only (-Dsluice.log=info for more), on standard error (slf4j-simple). */
  public static void quietLogs() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("sluice.log", "warn"));
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
  }

  /** The {@code --option value} pairs, in order; an option without its value is refused. */
  public List<String[]> options(String[] args) {
    List<String[]> pairs = new ArrayList<>();
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) fail("option " + args[i] + " needs a value");
      pairs.add(new String[] {args[i], args[i + 1]});
    }
    return pairs;
  }

  /** An option's {@code KEY=VALUE}, split; anything else is refused. */
  public String[] keyValue(String option, String value) {
    int eq = value.indexOf('=');
    if (eq <= 0) fail(option + " takes KEY=VALUE, got " + value);
    return new String[] {value.substring(0, eq), value.substring(eq + 1)};
  }

  /** Say why, then the usage line, and exit 2. */
  public void fail(String why) {
    System.err.println(name + ": " + why);
    System.err.println("usage: " + name + " " + usage);
    System.exit(2);
  }

  /** The data folder: {@code --data}'s (made if missing), or a new temporary one when it is null. */
  public Path dataDir(String data) throws IOException {
    Path dir = data == null ? Files.createTempDirectory("sluice-" + name + "-") : Path.of(data).toAbsolutePath();
    Files.createDirectories(dir);
    return dir;
  }

  /** SIGTERM and Ctrl+C run {@code stop} (on a thread of its own: a signal handler must return). */
  public void onSignals(Runnable stop) {
    for (String signal : new String[] {"TERM", "INT"})
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> new Thread(stop, "sluice-" + name + "-stop").start());
  }

  /** Whether {@code url} answers 200 (within 2 s). */
  public static boolean answers(String url) {
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

  /** Returns once standard input ends: the parent closed it, or is gone (a broken pipe is an end too). */
  public static void untilInputEnds() {
    try (InputStream in = System.in) {
      byte[] buf = new byte[256];
      while (in.read(buf) >= 0) {
        // what is written there is ignored
      }
    } catch (IOException ignored) {
      // a broken pipe means the parent is gone
    }
  }

  /** Remove a folder and everything in it. */
  public static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) for (File c : children) deleteTree(c);
    f.delete();
  }
}
