package io.jrq.dashboard.internal;

import java.util.List;

/** The frame every page shares, and the small pieces pages repeat: action buttons, pagers, badges. */
final class Layout {
    private static final List<String[]> NAV = List.of(
            new String[] {"overview", "/", "Overview"},
            new String[] {"failed", "/failed", "Failed"},
            new String[] {"scheduled", "/scheduled", "Scheduled"},
            new String[] {"recurring", "/recurring", "Recurring"},
            new String[] {"workers", "/workers", "Workers"});

    private Layout() {}

    /**
     * @param ctx the request
     * @param title the page title (escaped)
     * @param active the nav entry to mark
     * @param live the live topic the page follows, or null
     * @param body the page's content
     * @return the whole page
     */
    static String page(Ctx ctx, String title, String active, String live, Html body) {
        Html h = new Html();
        h.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .el("title", "jrq · " + title)
                .open("link", "rel", "stylesheet", "href", ctx.url("/assets/dashboard.css"))
                .open("script", "src", ctx.url("/assets/dashboard.js"), "defer", "")
                .close("script")
                .raw("</head>");
        // taken after the page's own reads: live updates read before this are older than the page
        h.open(
                "body",
                "data-live",
                live == null ? null : ctx.url("/live?topic=" + Request.enc(live)),
                "data-rendered-at",
                live == null ? null : Long.toString(ctx.app().clock().millis()),
                "data-read-only",
                ctx.readOnly() ? "true" : null);
        h.raw("<header><nav>")
                .open("a", "class", "brand", "href", ctx.url("/"))
                .text("jrq")
                .close("a");
        for (String[] n : NAV) {
            h.open("a", "href", ctx.url(n[1]), "class", n[0].equals(active) ? "active" : null)
                    .text(n[2])
                    .close("a");
        }
        h.open("form", "class", "find", "method", "get", "action", ctx.url("/jobs"))
                .open(
                        "input",
                        "type",
                        "search",
                        "name",
                        "id",
                        "placeholder",
                        "find a job by id",
                        "aria-label",
                        "job id",
                        "maxlength",
                        "200")
                .close("form");
        h.raw("<span class=\"who\">");
        if (ctx.readOnly()) {
            h.el("span", "read-only", "class", "badge");
        }
        h.el("span", ctx.user(), "class", "user");
        if (ctx.app().logout() && ctx.csrf() != null) {
            h.open("form", "method", "post", "action", ctx.url("/logout"), "class", "inline")
                    .hidden("_csrf", ctx.csrf())
                    .raw("<button type=\"submit\" class=\"link\">Log out</button></form>");
        }
        h.raw("</span></nav></header><main>");
        h.el("h1", title);
        String flash = ctx.req().param("done");
        if (flash != null && !flash.isEmpty()) {
            h.el("p", Request.abbreviate(flash), "class", "flash", "role", "status");
        }
        h.add(body);
        h.raw("<p class=\"live-status\" data-live-status></p></main></body></html>");
        return h.toString();
    }

    /**
     * A button that POSTs to an action with the CSRF token; nothing in read-only mode.
     *
     * @param confirm a question asked before sending, or null
     */
    static Html action(Ctx ctx, String path, String label, String confirm, String... fields) {
        Html h = new Html();
        if (ctx.readOnly()) {
            return h;
        }
        h.open("form", "method", "post", "action", ctx.url(path), "class", "inline", "data-confirm", confirm);
        h.hidden("_csrf", ctx.csrf() == null ? "" : ctx.csrf());
        for (int i = 0; i + 1 < fields.length; i += 2) {
            h.hidden(fields[i], fields[i + 1]);
        }
        h.open("button", "type", "submit", "class", confirm != null ? "danger" : null)
                .text(label)
                .close("button");
        return h.close("form");
    }

    /** Links to the previous and next page, keeping the other query parameters. */
    static Html pager(Ctx ctx, String path, int page, boolean hasNext, String... params) {
        Html h = new Html().raw("<nav class=\"pager\">");
        StringBuilder rest = new StringBuilder();
        for (int i = 0; i + 1 < params.length; i += 2) {
            if (params[i + 1] != null && !params[i + 1].isEmpty()) {
                rest.append('&').append(params[i]).append('=').append(Request.enc(params[i + 1]));
            }
        }
        if (page > 1) {
            h.open("a", "href", ctx.url(path + "?page=" + (page - 1) + rest), "rel", "prev")
                    .text("← previous")
                    .close("a");
        }
        h.el("span", "page " + page);
        if (hasNext) {
            h.open("a", "href", ctx.url(path + "?page=" + (page + 1) + rest), "rel", "next")
                    .text("next →")
                    .close("a");
        }
        return h.raw("</nav>");
    }

    /** A link to a job's page. */
    static Html jobLink(Ctx ctx, String queue, String id) {
        return new Html()
                .open(
                        "a",
                        "href",
                        ctx.url("/queues/" + Request.enc(queue) + "/jobs/" + Request.enc(id)),
                        "class",
                        "mono")
                .text(id)
                .close("a");
    }

    /** A link to a queue's page. */
    static Html queueLink(Ctx ctx, String queue) {
        return new Html()
                .open("a", "href", ctx.url("/queues/" + Request.enc(queue)))
                .text(queue)
                .close("a");
    }

    /** A job given as "queue/id", linked when it reads as one. */
    static Html jobRef(Ctx ctx, String ref) {
        int slash = ref.indexOf('/');
        return slash > 0 ? jobLink(ctx, ref.substring(0, slash), ref.substring(slash + 1)) : new Html().text(ref);
    }
}
