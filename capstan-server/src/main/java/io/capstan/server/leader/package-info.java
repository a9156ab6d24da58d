/**
 * Leader election among control-plane replicas that share one database: the holder of the lease
 * runs the controllers, every replica answers the API (decision 100).
 */
package io.capstan.server.leader;
