package org.mqcgm.server.platform.egress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the deployment keeps personal data and who may receive it (PR-80, PR-82): the deployment's region
 * ({@code MQCGM_REGION}), the regions its stores are declared in, whether cross-border transfers are allowed at all,
 * and the operator's declared recipients.
 *
 * @param region             the deployment's region, e.g. {@code cn-east} ({@code MQCGM_REGION}, default
 *                           {@code local})
 * @param databaseRegion     the PostgreSQL database's region ({@code MQCGM_DB_REGION}; null: not declared)
 * @param storeRegion        the file store's region: outbox folder, deletion ledger ({@code MQCGM_STORE_REGION})
 * @param backupRegion       the backups' region ({@code MQCGM_BACKUP_REGION})
 * @param crossBorderAllowed whether recipients outside the region may exist at all ({@code MQCGM_CROSS_BORDER},
 *                           default off); each person still consents per recipient and country
 * @param recipients         the declared recipients ({@code MQCGM_RECIPIENTS_FILE}; none by default)
 */
public record Residency(String region, String databaseRegion, String storeRegion, String backupRegion,
                        boolean crossBorderAllowed, List<Recipient> recipients) {

    public static final String DEFAULT_REGION = "local";
    public static final Residency DEFAULT = new Residency(DEFAULT_REGION, null, null, null, false, List.of());

    public Residency {
        recipients = List.copyOf(recipients);
    }

    /** One store of personal data and the region it is declared in. */
    public record Store(String name, String setting, String location, String declaredRegion) {
        /** The region it is in: declared, or the deployment's when not declared. */
        public String region(String deployment) {
            return declaredRegion == null ? deployment : declaredRegion;
        }
    }

    /** The stores with their locations (the composition root knows them). */
    public List<Store> inventory(String databaseLocation, String filesLocation, String ledgerLocation) {
        List<Store> out = new ArrayList<>();
        out.add(new Store("database", "MQCGM_DB_REGION", databaseLocation, databaseRegion));
        out.add(new Store("files: outbox", "MQCGM_STORE_REGION", filesLocation, storeRegion));
        out.add(new Store("files: deletion ledger", "MQCGM_STORE_REGION", ledgerLocation, storeRegion));
        out.add(new Store("backups", "MQCGM_BACKUP_REGION", "(the operator's backups)", backupRegion));
        return out;
    }

    /**
     * Why the deployment must not start, if anything (PR-80, PR-82): a store declared in another region, or a
     * recipient outside the region while cross-border transfers are off. The setting at fault and the problem.
     */
    public Optional<String[]> problem() {
        String[][] stores = {{"MQCGM_DB_REGION", "the database", databaseRegion},
                {"MQCGM_STORE_REGION", "the file store", storeRegion},
                {"MQCGM_BACKUP_REGION", "the backups", backupRegion}};
        for (String[] s : stores) {
            if (s[2] != null && !s[2].equals(region)) {
                return Optional.of(new String[] {s[0], "PR-80 data residency: " + s[1] + " is declared in region '"
                        + s[2] + "' but this deployment is in region '" + region + "' (MQCGM_REGION); personal data "
                        + "is stored only in the deployment's region"});
            }
        }
        if (!crossBorderAllowed) {
            for (Recipient r : recipients) {
                if (!r.region().equals(region)) {
                    return Optional.of(new String[] {"MQCGM_RECIPIENTS_FILE", "PR-82 cross-border transfer: "
                            + "recipient '" + r.id() + "' is in region '" + r.region() + "', outside this "
                            + "deployment's region '" + region + "', and cross-border transfers are off "
                            + "(MQCGM_CROSS_BORDER=allow to allow them with each person's separate consent)"});
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code r} is outside the deployment's region. */
    public boolean crossBorder(Recipient r) {
        return !r.region().equals(region);
    }

    /** A copy with other recipients. */
    public Residency withRecipients(List<Recipient> list) {
        return new Residency(region, databaseRegion, storeRegion, backupRegion, crossBorderAllowed, list);
    }
}
