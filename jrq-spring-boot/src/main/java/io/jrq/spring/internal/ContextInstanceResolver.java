package io.jrq.spring.internal;

import io.jrq.InstanceResolver;
import io.jrq.JrqException;
import java.util.Arrays;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Runs instance-method jobs ({@code queue.enqueue(Mailer.class, Mailer::send, to)}) on the
 * application's bean of that type, so jobs get their dependencies injected and share the
 * application's singletons. A class without a bean gets a new instance from its public no-argument
 * constructor, as without Spring; a class with several beans is refused, naming them, since picking
 * one silently could run the job on the wrong one.
 */
public final class ContextInstanceResolver implements InstanceResolver {
    private final ListableBeanFactory beans;
    private final InstanceResolver fallback = InstanceResolver.constructors();

    /** @param beans the application's beans */
    public ContextInstanceResolver(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public Object resolve(Class<?> type) throws Exception {
        String[] names = beans.getBeanNamesForType(type);
        if (names.length == 1) {
            return beans.getBean(names[0]);
        }
        if (names.length > 1) {
            Object primary = beans.getBeanProvider(type).getIfUnique();
            if (primary != null) {
                return primary;
            }
            throw new JrqException("several beans of type " + type.getName() + " (" + Arrays.toString(names)
                    + ") could run this job; mark one @Primary");
        }
        return fallback.resolve(type);
    }
}
