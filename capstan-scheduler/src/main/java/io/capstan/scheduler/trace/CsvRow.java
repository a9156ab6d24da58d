package io.capstan.scheduler.trace;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** One data line of a trace being parsed, for messages that name file, line and column. */
final class CsvRow {
  private final Path file;
  private final int line;
  private final int dataRow;
  private final String[] fields;

  CsvRow(Path file, int line, int dataRow, String[] fields) {
    this.file = file;
    this.line = line;
    this.dataRow = dataRow;
    this.fields = fields;
  }

  /** 1-based among the data rows (the header and blank lines not counted). */
  int dataRow() {
    return dataRow;
  }

  int columns() {
    return fields.length;
  }

  /** The column as written, stripped; may be empty. */
  String optionalText(int column) {
    return fields[column].strip();
  }

  String text(int column, String name) {
    String value = fields[column].strip();
    if (value.isEmpty()) {
      throw error(column, name, "a value", "empty");
    }
    return value;
  }

  long nonNegativeLong(int column, String name) {
    String value = fields[column].strip();
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw error(column, name, "a non-negative integer", "'" + value + "'", e);
    }
    if (parsed < 0 || parsed > Integer.MAX_VALUE) {
      throw error(column, name, "a non-negative integer", "'" + value + "'");
    }
    return parsed;
  }

  int positiveInt(int column, String name) {
    String value = fields[column].strip();
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw error(column, name, "a positive integer", "'" + value + "'", e);
    }
    if (parsed < 1) {
      throw error(column, name, "a positive integer", "'" + value + "'");
    }
    return parsed;
  }

  Duration seconds(int column, String name) {
    String value = fields[column].strip();
    double seconds;
    try {
      seconds = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw error(column, name, "a non-negative number of seconds", "'" + value + "'", e);
    }
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw error(column, name, "a non-negative number of seconds", "'" + value + "'");
    }
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  /** A UTC timestamp in {@code format}, described as {@code pattern} in messages. */
  Instant timestamp(int column, String name, DateTimeFormatter format, String pattern) {
    String value = fields[column].strip();
    try {
      return LocalDateTime.parse(value, format).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw error(column, name, "a timestamp " + pattern, "'" + value + "'", e);
    }
  }

  IllegalArgumentException error(int column, String name, String expected, String actual) {
    return error(column, name, expected, actual, null);
  }

  IllegalArgumentException error(
      int column, String name, String expected, String actual, Throwable cause) {
    String where =
        file
            + " line "
            + line
            + " column "
            + (column + 1)
            + (name.isEmpty() ? "" : " (" + name + ")");
    return new IllegalArgumentException(
        where + ": Expected " + expected + ", but was " + actual, cause);
  }
}
