/**
 * A change of controller — merger, acquisition or bankruptcy (issue 15, PR-51): the operator's announcement with the
 * successor and a transfer date at least 30 days away, the privacy policy frozen meanwhile, every active person told
 * on every channel with a delivery log, their re-consent when the successor changes the terms, and at the transfer
 * date the manifest of the accounts that go to the successor (those who deleted or declined do not).
 */
package org.mqcgm.server.handover;
