package io.capstan.api.dataset;

import static java.util.Objects.requireNonNull;

/**
 * Where a dataset version's files came from.
 *
 * @param source {@code upload}, {@code job} or {@code s3}
 * @param createdBy the user who stored the version
 * @param job for {@code job}: the job's name in the dataset's project; else null
 * @param jobUid for {@code job}: the job's uid; else null
 * @param uri for {@code s3}: the {@code s3://bucket/prefix} copied; else null
 */
public record DatasetLineage(
    String source, String createdBy, String job, String jobUid, String uri) {
  public static final String UPLOAD = "upload";
  public static final String JOB = "job";
  public static final String S3 = "s3";

  public DatasetLineage {
    requireNonNull(source, "source is null");
    requireNonNull(createdBy, "createdBy is null");
  }

  public static DatasetLineage upload(String user) {
    return new DatasetLineage(UPLOAD, user, null, null, null);
  }
}
