package org.mqcgm.server.platform.transparency;

import java.util.ArrayList;
import java.util.List;

/**
 * Who is responsible for the personal data of this deployment and how to reach them (policy section Ⅹ, PR-89):
 * the operator's (controller's) name, e-mail, phone and postal address, and the team that protects user
 * information with its own e-mail. Configuration ({@code MQCGM_CONTROLLER_*}), never code: the policy page, the web
 * footer, {@code mqcgm privacy contact} and every e-mail footer show this one record.
 *
 * @param name     the controller's name ({@code MQCGM_CONTROLLER_NAME})
 * @param email    the contact e-mail ({@code MQCGM_CONTROLLER_EMAIL}, required)
 * @param phone    customer-service phone, or null ({@code MQCGM_CONTROLLER_PHONE})
 * @param address  postal address, or null ({@code MQCGM_CONTROLLER_ADDRESS})
 * @param dpoTeam  the department protecting user information, or null ({@code MQCGM_CONTROLLER_DPO})
 * @param dpoEmail that department's e-mail, or null ({@code MQCGM_CONTROLLER_DPO_EMAIL})
 */
public record ControllerContact(String name, String email, String phone, String address, String dpoTeam,
                                String dpoEmail) {

    /**
     * The contact of code-built configurations (tests, the benchmark): an example operator on the reserved
     * {@code .example} top-level domain. A deployment's settings never fall back to it: {@code mqcgm serve} refuses to
     * start without {@code MQCGM_CONTROLLER_EMAIL}.
     */
    public static final ControllerContact EXAMPLE = new ControllerContact("Example mqcgm operator",
            "privacy@operator.example", "+1 555 0100", "1 Example Street, Example City", "Data protection team",
            "dpo@operator.example");

    public ControllerContact {
        name = blankToNull(name);
        email = blankToNull(email);
        phone = blankToNull(phone);
        address = blankToNull(address);
        dpoTeam = blankToNull(dpoTeam);
        dpoEmail = blankToNull(dpoEmail);
        if (name == null || email == null) {
            throw new IllegalArgumentException("a controller contact needs a name and an e-mail");
        }
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    /**
     * The contact as lines of "label: value" in English, the canonical form: the CLI prints it, the e-mail footer
     * carries it and a policy publication compares it with the one it last published with.
     */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("Controller: " + name);
        out.add("E-mail: " + email);
        if (phone != null) {
            out.add("Phone: " + phone);
        }
        if (address != null) {
            out.add("Address: " + address);
        }
        if (dpoTeam != null || dpoEmail != null) {
            out.add("Data protection: " + (dpoTeam == null ? "" : dpoTeam)
                    + (dpoTeam != null && dpoEmail != null ? ", " : "") + (dpoEmail == null ? "" : dpoEmail));
        }
        return out;
    }

    /** {@link #lines()} joined by newlines: what a policy publication records and compares. */
    public String canonical() {
        return String.join("\n", lines());
    }

    /**
     * The footer every e-mail ends with: the contact, in both languages' labels (a message's language is chosen
     * by its sender; the footer is the same for all).
     */
    public String mailFooter(String privacyUrl) {
        StringBuilder b = new StringBuilder("\n\n-- \n");
        b.append(name).append('\n');
        b.append("Privacy / 隐私: ").append(email);
        if (phone != null) {
            b.append(" · ").append(phone);
        }
        b.append('\n');
        if (address != null) {
            b.append(address).append('\n');
        }
        if (dpoTeam != null || dpoEmail != null) {
            b.append("Data protection / 个人信息保护: ").append(dpoTeam == null ? "" : dpoTeam)
                    .append(dpoTeam != null && dpoEmail != null ? ", " : "").append(dpoEmail == null ? "" : dpoEmail)
                    .append('\n');
        }
        b.append(privacyUrl).append('\n');
        return b.toString();
    }
}
