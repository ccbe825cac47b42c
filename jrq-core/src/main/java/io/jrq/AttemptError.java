package io.jrq;

import java.time.Instant;

/**
 * The error of one failed attempt, kept in the job's history (the last 20 attempts; the full stack
 * trace is kept only for the latest, in {@link Job#error()}).
 *
 * @param attempt which attempt failed, from 1
 * @param type the exception's class name
 * @param message the exception's message, possibly empty
 * @param at when it failed (Redis time)
 */
public record AttemptError(int attempt, String type, String message, Instant at) {}
