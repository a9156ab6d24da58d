package io.capstan.scheduler.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Reads a trace's CSV file row by row after checking its header; blank lines are skipped. */
final class CsvRows {
  private CsvRows() {}

  /**
   * Calls {@code action} for each data row of {@code file}, whose first line must be one of {@code
   * headers}; every row must have as many columns as the header.
   *
   * @param what the trace, for messages: {@code Philly trace}
   */
  static void forEach(Path file, List<String> headers, String what, Consumer<CsvRow> action) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = reader.readLine();
      String header = first == null ? null : first.strip();
      if (!headers.contains(header)) {
        throw new IllegalArgumentException(
            file
                + " line 1: Expected the header '"
                + String.join("' or '", headers)
                + "', but was '"
                + first
                + "'");
      }
      int columns = header.split(",", -1).length;
      int lineNumber = 1;
      int dataRow = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        dataRow++;
        String[] fields = line.split(",", -1);
        CsvRow row = new CsvRow(file, lineNumber, dataRow, fields);
        if (fields.length != columns) {
          throw row.error(
              Math.min(fields.length, columns),
              "",
              columns + " columns",
              fields.length + " in '" + line + "'");
        }
        action.accept(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the " + what + " file " + file, e);
    }
  }
}
