package io.capstan.api.job;

import java.util.Locale;

/** The built-in priority classes a job may name instead of a number. */
public enum PriorityClass {
  LOW(-100),
  NORMAL(0),
  HIGH(100);

  /** The range a numeric priority must fall in. */
  public static final int MIN = -1000;

  public static final int MAX = 1000;

  private final int value;

  PriorityClass(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The class named {@code name} (any case), or null. */
  public static PriorityClass fromWire(String name) {
    for (PriorityClass priorityClass : values()) {
      if (priorityClass.name().equalsIgnoreCase(name)) {
        return priorityClass;
      }
    }
    return null;
  }
}
