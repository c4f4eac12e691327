package org.mqcgm.server.egress;

import java.util.List;

/**
 * The model of the operators' storage inventory ({@code /admin/storage}, public for the template only): each store
 * of personal data with its region, and the records sent per recipient this month.
 */
public record StoragePage(String region, boolean crossBorderAllowed, List<Store> stores, List<Total> totals) {

    public record Store(String name, String setting, String location, String region, boolean declared,
                        boolean inRegion) {
    }

    public record Total(String recipient, long records) {
    }
}
