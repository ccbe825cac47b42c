package io.jrq.examples.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * The tasks web application on Spring Boot: {@code POST /tasks} starts {@link Tasks#run} (five
 * seconds of work) and answers 202 at once; {@code GET /tasks/{id}} and
 * {@code GET /tasks/{id}/events} show its progress and result (see {@link TasksController}).
 *
 * <p>The client comes from jrq's Spring Boot starter, connected to {@code spring.data.redis.*}.
 * With {@code jrq.worker.enabled=true} (the default in application.properties) the application
 * also runs the worker; the same application started with
 * {@code --spring.main.web-application-type=none} is a worker process and nothing else, and
 * {@code --jrq.worker.enabled=false} makes it a web application whose tasks run elsewhere.
 */
@SpringBootApplication
public class TasksSpringApp {
    /** The queue the tasks go to; {@code jrq.worker.queues} in application.properties names it too. */
    public static final String QUEUE = "tasks";
    /** Starts the line logged once the application is ready: scripts and tests wait for it. */
    public static final String READY = "tasks app ready:";

    private static final Logger log = LoggerFactory.getLogger(TasksSpringApp.class);

    @EventListener(ApplicationReadyEvent.class)
    void ready(ApplicationReadyEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        String port = env.getProperty("local.server.port");
        boolean worker = env.getProperty("jrq.worker.enabled", Boolean.class, false);
        log.info(
                "{} {}, {}",
                READY,
                port != null ? "http://localhost:" + port + "/tasks" : "no web server",
                worker ? "worker serving queue " + QUEUE : "no worker (run one elsewhere)");
    }

    /** @param args Spring Boot arguments, e.g. {@code --server.port=8081} */
    public static void main(String[] args) {
        SpringApplication.run(TasksSpringApp.class, args);
    }
}
