package io.jrq.examples.spring;

/** No task has the id asked for: never had, expired, or not an id at all. Answered with 404. */
public class TaskNotFoundException extends RuntimeException {
    /** @param id the id asked for */
    public TaskNotFoundException(String id) {
        super("no task " + id);
    }
}
