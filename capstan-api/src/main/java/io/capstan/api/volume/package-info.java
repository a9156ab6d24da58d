/** Wire records of a project's volumes. */
package io.capstan.api.volume;
