package io.capstan.tuning.suggestion;

/**
 * Reads a parameter value such as {@code 0.001234567891} or {@code 512} as a double, fast: a plain
 * decimal of at most 15 digits is its digits divided (or multiplied) by a power of ten up to 10^22,
 * both exact doubles, so the one correctly rounded operation gives exactly what {@link
 * Double#parseDouble} gives (Clinger's fast path); anything else goes to {@code parseDouble}.
 */
final class DecimalText {
  private static final double[] POWERS = new double[23];

  static {
    POWERS[0] = 1;
    for (int i = 1; i < POWERS.length; i++) {
      POWERS[i] = POWERS[i - 1] * 10;
    }
  }

  private DecimalText() {}

  static double parse(String text) {
    int length = text.length();
    int i = 0;
    boolean negative = false;
    if (length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
      negative = text.charAt(0) == '-';
      i = 1;
    }
    long digits = 0;
    int significant = 0;
    int fraction = -1;
    boolean any = false;
    for (; i < length; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        any = true;
        if (digits != 0 || c != '0') {
          if (++significant > 15) {
            return Double.parseDouble(text);
          }
        }
        digits = digits * 10 + (c - '0');
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.parseDouble(text);
      }
    }
    if (!any || fraction > 22) {
      return Double.parseDouble(text);
    }
    double value = fraction > 0 ? digits / POWERS[fraction] : digits;
    return negative ? -value : value;
  }
}
