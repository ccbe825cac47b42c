package io.jrq.dashboard.internal;

/** The login form. It says nothing about the queues, so it is the one page shown to anyone. */
final class LoginPage {
    private LoginPage() {}

    static Response render(Request r, String problem, int status) {
        String next = r.param("next");
        try {
            if (next == null && r.method().equals("POST")) {
                next = r.formValue("next");
            }
        } catch (java.io.IOException e) {
            next = null;
        }
        Html h = new Html();
        h.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .raw(
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>jrq · log in</title>")
                .open("link", "rel", "stylesheet", "href", r.url("/assets/dashboard.css"))
                .raw("</head><body class=\"login\"><main><h1>jrq</h1>");
        if (problem != null) {
            h.el("p", problem, "class", "flash bad", "role", "alert");
        }
        h.open("form", "method", "post", "action", r.url("/login"))
                .hidden("next", next == null ? "" : next)
                .raw("<label>User <input name=\"user\" autocomplete=\"username\" required maxlength=\"200\"></label>")
                .raw(
                        "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"1000\"></label>")
                .raw("<button type=\"submit\">Log in</button></form></main></body></html>");
        return Response.html(status, h.toString());
    }
}
