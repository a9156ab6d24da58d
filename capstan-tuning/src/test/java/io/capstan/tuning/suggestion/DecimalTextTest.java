package io.capstan.tuning.suggestion;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast decimal reader gives exactly Double.parseDouble's bits. */
class DecimalTextTest {
  @Test
  void readsSuggestedValuesBitForBit() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 50_000; i++) {
      double value = Math.exp(random.nextDouble(-30, 30)) * (random.nextBoolean() ? 1 : -1);
      // what Dimension.external writes: ten significant digits, plain
      String text =
          new BigDecimal(value).round(new MathContext(10)).stripTrailingZeros().toPlainString();
      assertThat(Double.doubleToRawLongBits(DecimalText.parse(text)))
          .as(text)
          .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }
  }

  @Test
  void handsAnythingElseToParseDouble() {
    for (String text :
        List.of(
            "0",
            "-0",
            "512",
            "+3.5",
            ".5",
            "5.",
            "1e-3",
            " 7 ",
            "0.1234567890123456789",
            "123456789012345678",
            "0.00000000000000000000000012",
            "1.000000000000000000001",
            "NaN",
            "-Infinity")) {
      assertThat(Double.doubleToRawLongBits(DecimalText.parse(text)))
          .as(text)
          .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }
  }
}
