/** Glucose values, units and readings: mg/dL integers at rest, mmol/L only for display. */
package org.mqcgm.core.glucose;
