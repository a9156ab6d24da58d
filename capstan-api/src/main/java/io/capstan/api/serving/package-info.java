/** Wire records of inference services: specs, updates, traffic changes and views. */
package io.capstan.api.serving;
