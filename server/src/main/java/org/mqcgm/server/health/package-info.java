/** Liveness ({@code /healthz}), and readiness ({@code /readyz}, checks the database). */
package org.mqcgm.server.health;
