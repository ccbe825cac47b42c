package io.jrq.cli;

import io.jrq.JobNames;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Checks a queue name on the command line, so that a bad one is a usage error (exit 2). */
final class QueueNames implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
        return check(value);
    }

    /** @param name a queue name @return the name @throws TypeConversionException when it is not valid */
    static String check(String name) {
        try {
            return JobNames.checkQueueName(name);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
