package org.mqcgm.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mqcgm.server.platform.http.ProblemException;
import org.mqcgm.server.platform.web.Language;
import org.mqcgm.server.testing.AllAtOnce;
import org.mqcgm.server.testing.TestApp;

/**
 * A sign-up code has five tries, however many guesses arrive at once: each try is used up in the same statement
 * that checks there is one left, before the code is compared, so parallel guesses cannot share a try.
 */
class SignupCodeRaceTest {

    @RegisterExtension
    static final TestApp app = TestApp.perClass();

    @Test
    void parallelGuessesOnOneSignupCodeGetNoMoreComparisonsThanItsTries() throws Exception {
        String identifier = "signup-race@example.org";
        Registrations registrations = app.app().accounts().registrations();
        UUID id = registrations.start(identifier, "cobalt lantern meadow nine", "UTC", Language.EN).id();
        String code = app.awaitOutbox(identifier, Pattern.compile("(\\d{6})"));
        String wrong = code.equals("000000") ? "111111" : "000000";

        List<Integer> statuses = AllAtOnce.run(20, () -> {
            try {
                registrations.confirm(id, wrong);
                return 200;
            } catch (ProblemException e) {
                return e.problem().status();
            }
        });
        // 422 "wrong code, n tries left" is a comparison that found the code wrong; 410 "no tries left" is none.
        assertThat(statuses).containsOnly(422, 410);
        assertThat(statuses).filteredOn(s -> s == 422).hasSizeLessThan(Registrations.MAX_TRIES);
        int attempts = app.sql().withHandle(h -> h.createQuery("select attempts from registration where id = :id")
                .bind("id", id).mapTo(Integer.class).one());
        assertThat(attempts).isEqualTo(Registrations.MAX_TRIES);
        assertThatThrownBy(() -> registrations.confirm(id, code)).as("the right code after the tries are used up")
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().status()).isEqualTo(410));
    }
}
