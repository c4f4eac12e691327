package org.mqcgm.core.metrics;

/**
 * Glycemia Risk Index (Klonoff et al., J Diabetes Sci Technol 2023;17:1226), spec section 3; identical to
 * iglu {@code gri.R}.
 *
 * <pre>
 * HypoComponent  = VLow + 0.8 * Low          (VLow = %&lt;54, Low = %54-69)
 * HyperComponent = VHigh + 0.5 * High        (VHigh = %&gt;250, High = %181-250)
 * GRI = min(100, 3.0 * HypoComponent + 1.6 * HyperComponent)
 *     = 3.0 VLow + 2.4 Low + 1.6 VHigh + 0.8 High
 * </pre>
 *
 * @param hypoComponent  hypoglycaemia component
 * @param hyperComponent hyperglycaemia component
 * @param gri            risk index, 0 (best) to 100 (worst)
 * @param zone           risk zone A-E
 */
public record GlycemicRiskIndex(double hypoComponent, double hyperComponent, double gri, Zone zone) {

    /**
     * GRI zones: the quintiles of the 0-100 scale. Zone A is [0, 20], B (20, 40], C (40, 60], D (60, 80],
     * E (80, 100] (the paper lists integer zones 0-20, 21-40, ...; continuous values between are assigned
     * to the lower-risk zone).
     */
    public enum Zone {
        A, B, C, D, E;

        static Zone of(double gri) {
            if (Double.isNaN(gri)) {
                return null;
            }
            if (gri <= 20) {
                return A;
            }
            if (gri <= 40) {
                return B;
            }
            if (gri <= 60) {
                return C;
            }
            if (gri <= 80) {
                return D;
            }
            return E;
        }
    }

    static GlycemicRiskIndex of(TimeInRanges r) {
        double hypo = r.veryLowPercent() + 0.8 * r.lowPercent();
        double hyper = r.veryHighPercent() + 0.5 * r.highPercent();
        double gri = Math.min(100, 3 * hypo + 1.6 * hyper);
        return new GlycemicRiskIndex(hypo, hyper, gri, Zone.of(gri));
    }
}
