package sluice.flink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;

/**
 * Runs a Flink SQL script Sluice compiled from a pipeline, as one streaming job.
 *
 * <p>Argument: {@code --sql-base64 TEXT} (the script, UTF-8, Base64: a program argument survives the REST API's
 * JSON untouched that way). A statement ends with a line that ends in {@code ;} (the compiler writes no line break
 * inside a string literal); lines starting with {@code --} are comments. {@code SET} and {@code CREATE} statements
 * run as they come; every {@code INSERT INTO} goes into one statement set, submitted
 * as one job.
 */
public final class SqlJob {
  public static void main(String[] args) {
    String script = null;
    for (int i = 0; i + 1 < args.length; i += 2)
      if (args[i].equals("--sql-base64"))
        script = new String(Base64.getDecoder().decode(args[i + 1]), StandardCharsets.UTF_8);
    if (script == null) throw new IllegalArgumentException("usage: SqlJob --sql-base64 BASE64(SQL script)");
    TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    List<String> inserts = new ArrayList<>();
    for (String statement : statements(script)) {
      String head = statement.stripLeading().toUpperCase();
      if (head.startsWith("INSERT INTO")) inserts.add(statement);
      else if (head.startsWith("SET ")) {
        String body = statement.strip().substring(4).strip();
        int eq = body.indexOf('=');
        env.getConfig().getConfiguration().setString(unquote(body.substring(0, eq)), unquote(body.substring(eq + 1)));
      } else {
        try {
          env.executeSql(statement);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "sluice-statement[" + statement.strip().lines().findFirst().orElse("") + "]: " + e.getMessage(), e);
        }
      }
    }
    if (inserts.isEmpty()) throw new IllegalArgumentException("the script has no INSERT INTO: nothing to run");
    StatementSet set = env.createStatementSet();
    for (String insert : inserts) {
      try {
        set.addInsertSql(insert);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "sluice-statement[" + insert.strip().lines().findFirst().orElse("") + "]: " + e.getMessage(), e);
      }
    }
    set.execute();
  }

  /** Statements, each ending with a line that ends in ";" (without it), comment lines left out. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      if (line.stripLeading().startsWith("--")) continue;
      String end = line.stripTrailing();
      if (end.endsWith(";")) {
        current.append(end, 0, end.length() - 1);
        if (!current.toString().isBlank()) out.add(current.toString());
        current.setLength(0);
      } else current.append(line).append('\n');
    }
    if (!current.toString().isBlank()) out.add(current.toString());
    return out;
  }

  private static String unquote(String s) {
    s = s.strip();
    if (s.length() >= 2 && s.startsWith("'") && s.endsWith("'")) s = s.substring(1, s.length() - 1).replace("''", "'");
    return s;
  }
}
