/* A lean OpenAI-compatible endpoint for throughput benchmarks: one thread, epoll, HTTP/1.1
 * keep-alive, a fixed latency per request, a small canned judge answer, and a request counter.
 *
 *     cc -O2 -o endpoint endpoint.c && ./endpoint --port 0 --latency-ms 200 [--max-seconds 3000]
 *
 * Prints `PORT <n>`. POST /stats returns {"requests": n}. Loopback only.
 *
 * Why C: the endpoint shares the machine's two cores with the client under test, and at 256
 * requests in flight a Python asyncio server spends several milliseconds per 200 ms wave on its
 * own work, which shows up as the client's inefficiency. Here a request costs microseconds.
 *
 * The answer is in the format the prompt asks for, so that every client's parser reads it:
 * "[[A]]" when the prompt mentions "[[A]]" (FastChat), "Output (a)" when it mentions
 * "Output (a)" (AlpacaEval), otherwise "A"; B instead of A when the body's length is even.
 * Every request waits the same latency, so replies fall due in arrival order: a FIFO queue is
 * the whole timer.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    char *in;          /* bytes read and not yet consumed */
    size_t used, size;
    char *out;         /* bytes to write */
    size_t out_used, out_size, out_sent;
    int waiting;       /* replies queued for this connection */
    int closing;
} conn_t;

typedef struct {
    double due;
    int fd;
    char answer[16];
    long prompt_tokens;
} reply_t;

static conn_t **conns;
static int conns_size;
static reply_t *queue;
static size_t q_head, q_tail, q_size;
static long requests;
static double latency;
static int epfd;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void watch(int fd, unsigned events, int op) {
    struct epoll_event e = {.events = events, .data.fd = fd};
    epoll_ctl(epfd, op, fd, &e);
}

static conn_t *conn_for(int fd) {
    if (fd >= conns_size) {
        int size = conns_size ? conns_size : 1024;
        while (size <= fd) size *= 2;
        conns = realloc(conns, size * sizeof *conns);
        memset(conns + conns_size, 0, (size - conns_size) * sizeof *conns);
        conns_size = size;
    }
    return conns[fd];
}

static void drop(conn_t *c) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    conns[c->fd] = NULL;
    free(c->in);
    free(c->out);
    free(c);
}

static void append_out(conn_t *c, const char *data, size_t length) {
    if (c->out_used + length > c->out_size) {
        c->out_size = (c->out_used + length) * 2;
        c->out = realloc(c->out, c->out_size);
    }
    memcpy(c->out + c->out_used, data, length);
    c->out_used += length;
}

/* Writes what is pending; keeps EPOLLOUT on while some is left. */
static void flush(conn_t *c) {
    while (c->out_sent < c->out_used) {
        ssize_t n = write(c->fd, c->out + c->out_sent, c->out_used - c->out_sent);
        if (n < 0) {
            if (errno == EAGAIN) {
                watch(c->fd, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
                return;
            }
            c->closing = 1;
            return;
        }
        c->out_sent += n;
    }
    c->out_used = c->out_sent = 0;
    watch(c->fd, EPOLLIN, EPOLL_CTL_MOD);
}

static void respond(conn_t *c, const char *body, size_t length) {
    char head[128];
    int n = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n", length);
    append_out(c, head, n);
    append_out(c, body, length);
    flush(c);
}

static void enqueue(int fd, const char *body, size_t length) {
    if (q_tail - q_head == q_size) {
        size_t size = q_size ? q_size * 2 : 4096;
        reply_t *bigger = malloc(size * sizeof *bigger);
        for (size_t i = q_head; i < q_tail; i++) bigger[i - q_head] = queue[i % q_size];
        free(queue);
        queue = bigger;
        q_tail -= q_head;
        q_head = 0;
        q_size = size;
    }
    reply_t *r = &queue[q_tail % q_size];
    q_tail++;
    r->due = now() + latency;
    r->fd = fd;
    r->prompt_tokens = (long)(length / 4);
    int b = length % 2 == 0;
    if (memmem(body, length, "[[A]]", 5))
        strcpy(r->answer, b ? "[[B]]" : "[[A]]");
    else if (memmem(body, length, "Output (a)", 10))
        strcpy(r->answer, b ? "Output (b)" : "Output (a)");
    else
        strcpy(r->answer, b ? "B" : "A");
}

/* Consumes every complete request in the connection's buffer. */
static void parse(conn_t *c) {
    size_t start = 0;
    for (;;) {
        char *base = c->in + start;
        size_t avail = c->used - start;
        char *end = memmem(base, avail, "\r\n\r\n", 4);
        if (!end) break;
        size_t head = end - base + 4, length = 0;
        for (char *line = base; line < end; ) {
            char *eol = memmem(line, end - line + 2, "\r\n", 2);
            if (eol - line > 15 && strncasecmp(line, "content-length:", 15) == 0) length = strtoul(line + 15, NULL, 10);
            line = eol + 2;
        }
        if (avail < head + length) break;
        if (strncmp(base, "POST /stats", 11) == 0) {
            char body[64];
            int n = snprintf(body, sizeof body, "{\"requests\": %ld}", requests);
            respond(c, body, n);
        } else {
            requests++;
            c->waiting++;
            enqueue(c->fd, base + head, length);
        }
        start += head + length;
    }
    memmove(c->in, c->in + start, c->used - start);
    c->used -= start;
}

static void readable(conn_t *c) {
    for (;;) {
        if (c->size - c->used < 65536) {
            c->size = c->size * 2 + 65536;
            c->in = realloc(c->in, c->size);
        }
        ssize_t n = read(c->fd, c->in + c->used, c->size - c->used);
        if (n > 0) {
            c->used += n;
            continue;
        }
        if (n == 0 || errno != EAGAIN) {
            c->closing = 1;  /* answer what was asked, then close; stop watching meanwhile */
            epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
        }
        break;
    }
    parse(c);
}

static void answer_due(void) {
    double t = now();
    while (q_head < q_tail && queue[q_head % q_size].due <= t) {
        reply_t *r = &queue[q_head % q_size];
        q_head++;
        conn_t *c = conns[r->fd];
        if (!c) continue;
        char body[512];
        int n = snprintf(body, sizeof body,
                         "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                         "\"message\":{\"role\":\"assistant\",\"content\":\"%s\"},\"finish_reason\":\"stop\"}],"
                         "\"usage\":{\"prompt_tokens\":%ld,\"completion_tokens\":1,\"total_tokens\":%ld}}",
                         r->answer, r->prompt_tokens, r->prompt_tokens + 1);
        c->waiting--;
        respond(c, body, n);
        if (c->closing && c->waiting == 0) drop(c);
    }
}

int main(int argc, char **argv) {
    int port = 0;
    double max_seconds = 900;
    latency = 0.2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--latency-ms")) latency = atof(argv[i + 1]) / 1000;
        else if (!strcmp(argv[i], "--max-seconds")) max_seconds = atof(argv[i + 1]);
    }
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(listener, (struct sockaddr *)&address, sizeof address) || listen(listener, 4096)) {
        perror("endpoint");
        return 1;
    }
    socklen_t length = sizeof address;
    getsockname(listener, (struct sockaddr *)&address, &length);
    printf("PORT %d\n", ntohs(address.sin_port));
    fflush(stdout);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    watch(listener, EPOLLIN, EPOLL_CTL_ADD);
    double stop = now() + max_seconds;
    struct epoll_event events[512];
    while (now() < stop) {
        int timeout = 1000;
        if (q_head < q_tail) {
            double wait = queue[q_head % q_size].due - now();
            timeout = wait <= 0 ? 0 : (int)(wait * 1000) + 1;
        }
        int n = epoll_wait(epfd, events, 512, timeout);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                int client;
                while ((client = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn_for(client);
                    conn_t *c = calloc(1, sizeof *c);
                    c->fd = client;
                    conns[client] = c;
                    watch(client, EPOLLIN, EPOLL_CTL_ADD);
                }
                continue;
            }
            conn_t *c = conn_for(fd);
            if (!c) continue;
            if (events[i].events & EPOLLOUT) flush(c);
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) readable(c);
            if (c->closing && c->waiting == 0) drop(c);
        }
        answer_due();
    }
    return 0;
}
