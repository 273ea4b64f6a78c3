package sluice.flink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.AggregateFunction;
import org.apache.flink.types.Row;

/**
 * {@code SLUICE_TOP(name, value, n)}: the window's top-N entries by the sum of {@code value} per {@code name}, best
 * first (ties by name), as the in-process window's {@code top} aggregate computes them. Values that are NULL are left
 * out. The compiled SQL casts the rows to the field names of the pipeline's aggregate ({@code by}, {@code field}).
 */
@FunctionHint(output = @DataTypeHint("ARRAY<ROW<name STRING, total DOUBLE>>"))
public final class TopN extends AggregateFunction<Row[], TopN.Totals> {
  /** Per name, the sum so far. */
  public static final class Totals {
    public Map<String, Double> sums = new HashMap<>();
    public int n = 10;
  }

  @Override
  public Totals createAccumulator() {
    return new Totals();
  }

  public void accumulate(Totals acc, String name, Double value, Integer n) {
    if (n != null) acc.n = n;
    if (name == null || value == null || value.isNaN() || value.isInfinite()) return;
    acc.sums.merge(name, value, Double::sum);
  }

  public void merge(Totals acc, Iterable<Totals> others) {
    for (Totals o : others) {
      acc.n = o.n;
      for (Map.Entry<String, Double> e : o.sums.entrySet()) acc.sums.merge(e.getKey(), e.getValue(), Double::sum);
    }
  }

  @Override
  public Row[] getValue(Totals acc) {
    List<Map.Entry<String, Double>> all = new ArrayList<>(acc.sums.entrySet());
    all.sort(
        (a, b) -> {
          int byTotal = Double.compare(b.getValue(), a.getValue());
          return byTotal != 0 ? byTotal : a.getKey().compareTo(b.getKey());
        });
    int k = Math.min(acc.n, all.size());
    Row[] out = new Row[k];
    for (int i = 0; i < k; i++) out[i] = Row.of(all.get(i).getKey(), all.get(i).getValue());
    return out;
  }
}
