package io.jrq.spring.internal;

import io.jrq.Handler;
import io.jrq.JobContext;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * A bean method run as a jrq {@link Handler}: each parameter takes the job's next argument decoded
 * into its type, a {@link JobContext} parameter takes the context, and the return value is the result.
 */
public final class HandlerMethod implements Handler {
    private final Object bean;
    private final Method method;
    private final String where;

    /**
     * @param bean the bean (possibly a proxy, whose interceptors then run around each job)
     * @param method the annotated method, as declared on the bean's class
     * @param where the bean and method, for messages
     */
    public HandlerMethod(Object bean, Method method, String where) {
        this.bean = bean;
        this.method = AopUtils.selectInvocableMethod(method, bean.getClass());
        ReflectionUtils.makeAccessible(this.method);
        this.where = where;
    }

    /** @return the bean and method, e.g. {@code bean 'mailer' (com.example.Mailer.send(String))} */
    public String where() {
        return where;
    }

    /** @return true when every parameter is a {@link JobContext}, so the method needs no job argument */
    public boolean takesNoArguments() {
        for (Class<?> t : method.getParameterTypes()) {
            if (t != JobContext.class) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Object handle(JobContext ctx) throws Exception {
        Class<?>[] types = method.getParameterTypes();
        Object[] args = new Object[types.length];
        int next = 0;
        for (int i = 0; i < types.length; i++) {
            args[i] = types[i] == JobContext.class
                    ? ctx
                    : ctx.arg(next++, ClassUtils.resolvePrimitiveIfNecessary(types[i]));
        }
        try {
            return method.invoke(bean, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "HandlerMethod[" + where + "]";
    }
}
