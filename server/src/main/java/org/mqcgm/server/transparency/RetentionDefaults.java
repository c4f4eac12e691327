package org.mqcgm.server.transparency;

import org.mqcgm.server.platform.consent.DataCategory;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.platform.web.Messages;

/**
 * The retention defaults of the privacy requirements (Part 2, "Retention defaults (A-01)") by data category, in
 * English: what the record of processing states until the deployment's retention schedule
 * ({@code platform.retention}) is given to {@link TransparencyFeature#create} in their place. The wording has one
 * source, the texts {@code transparency.retention.<CODE>} the page shows in the reader's language while it is the
 * default; the record's English is the English text.
 */
final class RetentionDefaults {

    private RetentionDefaults() {
    }

    static String of(String categoryCode) {
        return DataCategory.parse(categoryCode)
                .map(c -> Messages.of(Language.EN).t("transparency.retention." + c.code()))
                .orElse("Not scheduled");
    }
}
