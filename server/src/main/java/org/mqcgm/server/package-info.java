/**
 * The mqcgm server. {@link org.mqcgm.server.App} is the one composition root: it reads the configuration, opens
 * the database, builds the services of each feature package and registers their routes — in plain code, top to
 * bottom, with no classpath scanning. Feature packages ({@code accounts}, {@code glucose}, {@code reports},
 * {@code health}, {@code privacy}, later {@code sharing}, {@code nightscout}, …) each own their routes, SQL and
 * templates; {@code platform} holds what every feature shares (HTTP plumbing, database, keys, pages). The demo lives
 * in its own module ({@code org.mqcgm.demo}) on top of this one.
 */
package org.mqcgm.server;
