package io.capstan.tuning.experiment;

/** Whether an experiment maximizes or minimizes its objective metric. */
public enum ObjectiveType {
  MINIMIZE("minimize"),
  MAXIMIZE("maximize");

  private final String katibName;

  ObjectiveType(String katibName) {
    this.katibName = katibName;
  }

  public String katibName() {
    return katibName;
  }

  /** The value as a loss: lower is better for both types. */
  public double loss(double value) {
    return this == MINIMIZE ? value : -value;
  }

  /** Whether {@code a} is strictly better than {@code b}. */
  public boolean better(double a, double b) {
    return loss(a) < loss(b);
  }

  static ObjectiveType of(String katibName) {
    return katibName.equals("maximize") ? MAXIMIZE : MINIMIZE;
  }
}
