package dev.edgeperimeter.bench.report;

/**
 * One measurement of the benchmark table.
 *
 * @param name    what was measured, e.g. {@code authorizer edge mode (verify + policy)}
 * @param value   the measured value, {@code NaN} when it could not be measured
 * @param unit    its unit, e.g. {@code µs/op}, {@code ops/s}, {@code ms}
 * @param floor   the floor or peer value measured beside it in the same run, {@code NaN} when none
 * @param floorLabel what the floor is, e.g. {@code bare JCA HmacSHA256}; empty when none
 * @param ratio   {@code value / floor} (or the ratio the goal speaks about), {@code NaN} when none
 * @param goal    the goal in words, e.g. {@code <= 10 µs and <= 25x floor}; empty when informational
 * @param verdict whether the goal is met
 * @param note    why a value is missing, or how it was measured; may be empty
 */
public record Row(String name, double value, String unit, double floor, String floorLabel, double ratio, String goal,
    Verdict verdict, String note) {

  /** Whether a row meets its goal. */
  public enum Verdict {
    PASS("pass"), FAIL("FAIL"), INFO("-"), NOT_MEASURED("n/a");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public Row {
    floorLabel = floorLabel == null ? "" : floorLabel;
    goal = goal == null ? "" : goal;
    note = note == null ? "" : note;
  }

  /** A measurement without goal or floor. */
  public static Row info(String name, double value, String unit, String note) {
    return new Row(name, value, unit, Double.NaN, "", Double.NaN, "", Verdict.INFO, note);
  }

  /** A measurement that could not be made; {@code why} says what is missing. */
  public static Row notMeasured(String name, String unit, String goal, String why) {
    return new Row(name, Double.NaN, unit, Double.NaN, "", Double.NaN, goal, Verdict.NOT_MEASURED, why);
  }

  /** PASS or FAIL from a condition. */
  public static Verdict verdict(boolean met) {
    return met ? Verdict.PASS : Verdict.FAIL;
  }

  /** {@code a / b}, or {@code NaN} when either is missing or {@code b} is zero. */
  public static double ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
      return Double.NaN;
    }
    return a / b;
  }
}
