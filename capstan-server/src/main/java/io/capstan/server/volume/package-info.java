/** A project's volumes: list, size, delete when no unfinished job mounts them. */
package io.capstan.server.volume;
