package org.mqcgm.core.ble;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Result of a total decoder: either {@link Ok} with a value or {@link Invalid} with a {@link DecodeError}.
 *
 * @param <T> decoded value type
 */
public sealed interface Decoded<T> permits Decoded.Ok, Decoded.Invalid {

    /** Successfully decoded value. */
    record Ok<T>(T value) implements Decoded<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The bytes are not a valid value; {@code error} says why. */
    record Invalid<T>(DecodeError error) implements Decoded<T> {
        public Invalid {
            Objects.requireNonNull(error, "error");
        }
    }

    static <T> Decoded<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Decoded<T> invalid(DecodeError error) {
        return new Invalid<>(error);
    }

    static <T> Decoded<T> invalid(DecodeError.Kind kind, int offset, String reason) {
        return new Invalid<>(new DecodeError(kind, reason, offset));
    }

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value, if decoding succeeded. */
    default Optional<T> toOptional() {
        return this instanceof Ok<T> ok ? Optional.of(ok.value()) : Optional.empty();
    }

    /** The error, if decoding failed. */
    default Optional<DecodeError> errorIfAny() {
        return this instanceof Invalid<T> invalid ? Optional.of(invalid.error()) : Optional.empty();
    }

    default <U> Decoded<U> map(Function<? super T, ? extends U> f) {
        return switch (this) {
            case Ok<T> ok -> new Ok<>(f.apply(ok.value()));
            case Invalid<T> invalid -> new Invalid<>(invalid.error());
        };
    }

    /**
     * The value, or an {@link IllegalStateException} carrying {@link DecodeError#describe()}.
     * For callers that already know the bytes are valid (tests, encoders' self-checks).
     */
    default T orElseThrow() {
        return switch (this) {
            case Ok<T> ok -> ok.value();
            case Invalid<T> invalid -> throw new IllegalStateException(invalid.error().describe());
        };
    }
}
