package io.jrq.testjobs;

/** An instance-method job target, created by the worker's instance resolver. */
public class Greeter {
    private final String greeting;

    public Greeter() {
        this("Hello");
    }

    public Greeter(String greeting) {
        this.greeting = greeting;
    }

    public String greet(String name) {
        return greeting + ", " + name;
    }

    public void noop() {}
}
