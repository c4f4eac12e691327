/**
 * Disclosures without consent (issue 15: PR-31, PR-34, PR-45): the register of disclosures and legal requests, the
 * DPO's review and approval, minimum-necessary exports, the people's notices and the public transparency report.
 */
package org.mqcgm.server.disclosures;
