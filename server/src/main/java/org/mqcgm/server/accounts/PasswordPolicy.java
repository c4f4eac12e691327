package org.mqcgm.server.accounts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import me.gosimple.nbvcxz.resources.Dictionary;
import me.gosimple.nbvcxz.resources.DictionaryBuilder;
import me.gosimple.nbvcxz.scoring.Result;
import org.mqcgm.server.platform.http.Problem;

/**
 * NIST SP 800-63B §5.1.1.2 password rules: at least 8 characters, no composition rules, and no password that is
 * common or easily guessed. Guessability is estimated by nbvcxz (a maintained zxcvbn-style estimator with built-in
 * dictionaries of leaked passwords, names and words, keyboard patterns, dates and leet substitutions), with the
 * user's own e-mail and name parts added as a dictionary so "anna.li2026" is refused for anna.li@….
 */
final class PasswordPolicy {

    /** The shortest new password, counted after runs of spaces are taken as one (ASVS 4.0.3 V2.1.1). */
    public static final int MIN_LENGTH = 12;
    /** The longest password taken anywhere (sign-up, change, reset, login): longer input is refused, never cut. */
    public static final int MAX_LENGTH = 128;
    /** Bits of estimated entropy required (nbvcxz's default minimum is 35). */
    static final double MIN_ENTROPY = 35;

    private static final List<Dictionary> DEFAULT_DICTIONARIES = ConfigurationBuilder.getDefaultDictionaries();

    private PasswordPolicy() {
    }

    /** Characters (code points) of a password with each run of spaces counted once. */
    static int length(String password) {
        String combined = password.replaceAll(" {2,}", " ");
        return combined.codePointCount(0, combined.length());
    }

    /**
     * Checks a new password; adds the broken rules to {@code errors} (field {@code password}).
     *
     * @param userInputs the user's identifiers and names, which must not make up the password
     */
    public static void check(String password, List<String> userInputs, List<Problem.FieldError> errors) {
        if (password == null || length(password) < MIN_LENGTH) {
            errors.add(new Problem.FieldError("password", "min-length",
                    "must have at least " + MIN_LENGTH + " characters"));
            return;
        }
        if (PasswordLength.tooLong(password)) {
            errors.add(PasswordLength.error("password"));
            return;
        }
        List<String> personal = personalWords(userInputs);
        String lower = password.toLowerCase(Locale.ROOT);
        for (String word : personal) {
            if (word.length() >= 4 && lower.contains(word)) {
                errors.add(new Problem.FieldError("password", "personal",
                        "must not contain your e-mail address, phone number or name"));
                return;
            }
        }
        List<Dictionary> dictionaries = new ArrayList<>(DEFAULT_DICTIONARIES);
        if (!personal.isEmpty()) {
            DictionaryBuilder user = new DictionaryBuilder().setDictionaryName("user").setExclusion(true);
            for (String w : personal) {
                user.addWord(w, 0);
            }
            dictionaries.add(user.createDictionary());
        }
        Result result = new Nbvcxz(new ConfigurationBuilder().setDictionaries(dictionaries)
                .setMinimumEntropy(MIN_ENTROPY).createConfiguration()).estimate(password);
        if (!result.isMinimumEntropyMet()) {
            errors.add(new Problem.FieldError("password", "guessable",
                    "is too common or easy to guess; a longer phrase of unrelated words works well"));
        }
    }

    /**
     * Whether a password passes the rules for new ones ({@link #check}): at a login, one that no longer does (found
     * among breached or common passwords since, or shorter than the rules now ask) must be changed (ASVS V2.1.7).
     */
    static boolean acceptable(String password, List<String> userInputs) {
        List<Problem.FieldError> errors = new ArrayList<>();
        check(password, userInputs, errors);
        return errors.isEmpty();
    }

    /** The pieces of the user's identifiers worth refusing: whole inputs, e-mail local parts and name parts. */
    static List<String> personalWords(List<String> inputs) {
        List<String> out = new ArrayList<>();
        for (String input : inputs) {
            if (input == null || input.isBlank()) {
                continue;
            }
            String v = input.toLowerCase(Locale.ROOT).trim();
            out.add(v);
            int at = v.indexOf('@');
            if (at > 0) {
                out.add(v.substring(0, at));
                for (String part : v.substring(0, at).split("[._+-]")) {
                    out.add(part);
                }
            }
            if (v.startsWith("+")) {
                out.add(v.substring(1));
                if (v.length() > 8) {
                    out.add(v.substring(v.length() - 8));
                }
            }
        }
        out.removeIf(w -> w.length() < 4);
        return out.stream().distinct().toList();
    }
}
