/** Datasets: named, versioned, read-only file trees that jobs and notebooks mount. */
package io.capstan.api.dataset;
