// One-line typed wrappers around libcurl's variadic API; see CCurlShim.h.
#include "CCurlShim.h"
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

CURLcode jl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
CURLcode jl_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
CURLcode jl_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
CURLcode jl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
CURLcode jl_easy_setopt_write_callback(CURL *h, CURLoption o, curl_write_callback v) { return curl_easy_setopt(h, o, v); }
CURLcode jl_easy_setopt_closesocket_callback(CURL *h, curl_closesocket_callback v) { return curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, v); }
CURLcode jl_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
CURLcode jl_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
CURLcode jl_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
CURLMcode jl_multi_setopt_long(CURLM *h, CURLMoption o, long v) { return curl_multi_setopt(h, o, v); }
CURLMcode jl_multi_setopt_pointer(CURLM *h, CURLMoption o, void *v) { return curl_multi_setopt(h, o, v); }
CURLMcode jl_multi_setopt_socket_callback(CURLM *h, curl_socket_callback v) { return curl_multi_setopt(h, CURLMOPT_SOCKETFUNCTION, v); }
CURLMcode jl_multi_setopt_timer_callback(CURLM *h, curl_multi_timer_callback v) { return curl_multi_setopt(h, CURLMOPT_TIMERFUNCTION, v); }

int jl_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int jl_epoll_watch(int epfd, int fd, int what, int registered) {
    if (what == CURL_POLL_REMOVE) return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
    struct epoll_event event = { .events = 0, .data.fd = fd };
    if (what & CURL_POLL_IN) event.events |= EPOLLIN;
    if (what & CURL_POLL_OUT) event.events |= EPOLLOUT;
    if (!registered) {
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event) == 0) return 0;
        if (errno != EEXIST) return -1;
    }
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event) == 0) return 0;
    if (errno != ENOENT) return -1;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}


int jl_epoll_wait(int epfd, int *fds, int *flags, int capacity, int timeout_ms) {
    struct epoll_event ready[256];
    if (capacity > 256) capacity = 256;
    int count;
    do { count = epoll_wait(epfd, ready, capacity, timeout_ms); } while (count < 0 && errno == EINTR);
    for (int i = 0; i < count; i++) {
        unsigned int events = ready[i].events;
        fds[i] = ready[i].data.fd;
        flags[i] = ((events & EPOLLIN) ? CURL_CSELECT_IN : 0) | ((events & EPOLLOUT) ? CURL_CSELECT_OUT : 0)
                 | ((events & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
    }
    return count;
}

int jl_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

void jl_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t written = write(fd, &one, sizeof one);
    (void)written;  /* a full counter already wakes the loop */
}

void jl_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t got = read(fd, &value, sizeof value);
    (void)got;  /* EAGAIN: nothing to drain */
}

curl_version_info_data *jl_curl_version_info(void) { return curl_version_info(CURLVERSION_NOW); }
