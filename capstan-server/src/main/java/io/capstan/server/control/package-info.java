/** The loop every controller (jobs, inference services) runs its reconcile passes on. */
package io.capstan.server.control;
