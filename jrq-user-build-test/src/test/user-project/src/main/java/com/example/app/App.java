package com.example.app;

import io.jrq.Job;
import io.jrq.Jrq;
import io.jrq.Worker;
import java.time.Duration;

/** Enqueues one job, runs it on a worker in the same process, and prints its result. */
public class App {
    public static String greet(String name) {
        return "Hello, " + name;
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "redis://localhost:6379";
        try (Jrq jrq = Jrq.connect(url);
             Worker worker = jrq.worker("default").allowPackages("com.example.app").start()) {
            Job<String> job = jrq.queue("default").enqueue(App::greet, "jrq");
            System.out.println("result: " + job.await(Duration.ofSeconds(30)));
        }
    }
}
