/**
 * Account cancellation (PR-68, PR-87, PR-88): the owner (or an operator on their behalf) cancels, every credential
 * stops at once, and a cluster-safe job erases every row of the person and destroys their key within 24 hours,
 * records the erasure in the deletion ledger outside the database, and confirms it by e-mail. Also the backup and
 * restore commands that keep erasures erased (PR-65).
 */
package org.mqcgm.server.cancellation;
