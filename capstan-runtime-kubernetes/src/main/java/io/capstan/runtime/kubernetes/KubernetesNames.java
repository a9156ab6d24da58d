package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ReplicaId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names of the objects a job becomes: DNS labels that Kubernetes accepts, the same for the same
 * input every time. A name that would not be one (too long, a leading digit where a letter is
 * needed) is shortened and given a hash of the whole, so two different inputs keep different names.
 */
public final class KubernetesNames {
  /** A DNS-1035 label: what a Service's name must be, and what every name here is. */
  private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

  private static final int MAX_LABEL = 63;
  private static final int HASH_CHARS = 10;

  private final String namespacePrefix;

  public KubernetesNames(String namespacePrefix) {
    this.namespacePrefix = requireNonNull(namespacePrefix, "namespacePrefix is null");
  }

  /** The namespace of a project's replicas: the prefix and the project's name. */
  public String namespace(String tenant) {
    return label(namespacePrefix + tenant);
  }

  /**
   * The pod of a replica, {@code <jobUid>-<replica>}; also its {@code hostname}, so that it is
   * {@code <pod>.<service>.<namespace>.svc} in the cluster's DNS.
   */
  public String pod(ReplicaId id) {
    return label(id.jobUid() + "-" + id.replica());
  }

  /** The headless Service of a job, which gives each of its pods a DNS name. */
  public String service(String jobUid) {
    return label(jobUid);
  }

  /** The PersistentVolumeClaim of one of a job's volumes: {@code <jobUid>-<volume>}. */
  public String claim(String jobUid, String volume) {
    return label(jobUid + "-" + volume);
  }

  /** {@code value} as a label value: itself where Kubernetes accepts it, else shortened. */
  static String labelValue(String value) {
    return LABEL_VALUE.matcher(value).matches() ? value : label(value);
  }

  /** Whether {@code name} is a DNS subdomain (a claim's, storage class's or secret's name). */
  static boolean isSubdomain(String name) {
    return name.length() <= 253 && SUBDOMAIN.matcher(name).matches();
  }

  /**
   * {@code wanted} where it is a DNS-1035 label; otherwise lower-cased, with every other character
   * as {@code -}, an {@code x} before a leading digit, cut short and ended with a hash of {@code
   * wanted}.
   */
  static String label(String wanted) {
    if (DNS_1035_LABEL.matcher(wanted).matches()) {
      return wanted;
    }
    String safe = wanted.toLowerCase(Locale.ROOT).replaceAll("[^-a-z0-9]", "-");
    if (safe.isEmpty() || !Character.isLetter(safe.charAt(0))) {
      safe = "x" + safe;
    }
    int keep = Math.min(safe.length(), MAX_LABEL - HASH_CHARS - 1);
    String head = safe.substring(0, keep).replaceAll("-+$", "");
    return head + "-" + hash(wanted);
  }

  private static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Expected every Java runtime to have SHA-256", e);
    }
  }
}
