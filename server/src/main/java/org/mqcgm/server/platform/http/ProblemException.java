package org.mqcgm.server.platform.http;

/** Thrown anywhere in request handling to answer with a problem; the HTTP layer renders it. */
public final class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
