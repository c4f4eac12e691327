/** Liveness ({@code /healthz}), readiness ({@code /readyz}, checks the database) and static assets. */
package org.mqcgm.server.health;
