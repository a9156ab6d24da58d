/**
 * What the control plane and the serving gateway (a process of its own) tell each other over the
 * control plane's internal endpoint: the routes and grants the gateway serves with, and the load it
 * saw.
 */
package io.capstan.api.gateway;
