package io.jrq.internal.codec;

import io.jrq.InvalidJobException;
import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reads which method a method reference names. The functional interfaces in {@link io.jrq.Fn} are
 * {@link Serializable} so the compiler gives every reference a {@code writeReplace} method returning
 * a {@link SerializedLambda}; we call it reflectively and read the class, name and signature. No
 * object is ever serialized.
 *
 * <p>Everything that cannot travel as "class + method name + JSON arguments" is refused here, at
 * enqueue time, with a message that says what to do instead.
 */
public final class MethodRefs {
    private record Key(Class<?> lambdaClass, Class<?> instanceType) {}

    private static final ConcurrentMap<Key, MethodTarget> CACHE = new ConcurrentHashMap<>();

    private MethodRefs() {}

    /**
     * @param fn a method reference
     * @param instanceType for instance-method shapes, the class whose instance the worker resolves;
     *     null for static shapes
     * @return the method it names
     * @throws InvalidJobException for lambdas, bound references, constructors and captured state
     */
    public static MethodTarget resolve(Serializable fn, Class<?> instanceType) {
        // Safe to cache per class: a reference that captures nothing behaves the same for every instance,
        // and one that captures something is refused whatever it captured.
        return CACHE.computeIfAbsent(new Key(fn.getClass(), instanceType), k -> inspect(fn, instanceType));
    }

    private static MethodTarget inspect(Serializable fn, Class<?> instanceType) {
        SerializedLambda lambda = serializedLambda(fn);
        String name = lambda.getImplMethodName();
        if (name.startsWith("lambda$")) {
            throw new InvalidJobException(
                    "a job must be a method reference such as Reports::build, not a lambda: a lambda's code"
                            + " has no name a worker can look up and may capture local state. Move the body into a static method"
                            + " and enqueue a reference to it.");
        }
        int kind = lambda.getImplMethodKind();
        if (kind == MethodHandleInfo.REF_newInvokeSpecial) {
            throw new InvalidJobException("constructor references (" + simple(lambda.getImplClass())
                    + "::new) cannot be jobs;" + " enqueue a static factory method instead");
        }
        if (lambda.getCapturedArgCount() > 0) {
            throw new InvalidJobException("the method reference " + simple(lambda.getImplClass()) + "::" + name
                    + " is bound to an object (obj::method) or captures state, which cannot travel with the job."
                    + " Enqueue Type::method with queue.enqueue(Type.class, Type::method, args...) so the worker's"
                    + " InstanceResolver provides the instance, or pass the state as an argument.");
        }
        ClassLoader loader = fn.getClass().getClassLoader();
        Class<?> implClass;
        try {
            implClass = Class.forName(lambda.getImplClass().replace('/', '.'), false, loader);
        } catch (ClassNotFoundException e) {
            throw new InvalidJobException("cannot load " + lambda.getImplClass() + " named by the method reference", e);
        }
        Method method = find(implClass, name, lambda.getImplMethodSignature(), loader);
        boolean isStatic = kind == MethodHandleInfo.REF_invokeStatic;
        Class<?> owner = implClass;
        if (!isStatic) {
            if (instanceType == null) {
                throw new InvalidJobException(implClass.getName() + "::" + name
                        + " is an instance method; enqueue it with" + " queue.enqueue(" + implClass.getSimpleName()
                        + ".class, " + implClass.getSimpleName() + "::" + name + ", ...)");
            }
            owner = instanceType;
        } else if (instanceType != null) {
            throw new InvalidJobException(
                    implClass.getName() + "::" + name + " is static; enqueue it without the class argument");
        }
        if (!java.lang.reflect.Modifier.isPublic(method.getModifiers())) {
            throw new InvalidJobException(
                    owner.getName() + "::" + name + " is not public; a worker runs only public methods"
                            + " of the classes it allows, so make it public");
        }
        if (owner.isAnonymousClass() || owner.isLocalClass() || owner.isHidden()) {
            throw new InvalidJobException(
                    owner.getName() + " is an anonymous, local or hidden class, which a worker cannot load by name;"
                            + " move the method to a top-level or static nested class");
        }
        return new MethodTarget(owner, method, MethodTarget.isOverloaded(owner, method));
    }

    private static Method find(Class<?> implClass, String name, String descriptor, ClassLoader loader) {
        for (Class<?> c = implClass; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name)
                        && !m.isBridge()
                        && MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                                .toMethodDescriptorString()
                                .equals(descriptor)) {
                    return m;
                }
            }
        }
        for (Class<?> i : implClass.getInterfaces()) {
            try {
                return find(i, name, descriptor, loader);
            } catch (InvalidJobException ignored) {
                // keep looking in the other interfaces
            }
        }
        throw new InvalidJobException("cannot find method " + implClass.getName() + "::" + name + descriptor);
    }

    private static SerializedLambda serializedLambda(Serializable fn) {
        try {
            Method writeReplace = fn.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            return (SerializedLambda) writeReplace.invoke(fn);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new InvalidJobException(
                    "cannot read the method reference " + fn.getClass().getName()
                            + "; pass a method reference such as Reports::build",
                    e);
        }
    }

    private static String simple(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1).replace('$', '.');
    }
}
