/** The {@code mqcgm} command: picocli subcommands over the server's composition root. */
package org.mqcgm.cli;
