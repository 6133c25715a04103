// Typed wrappers for libcurl's variadic calls (curl_easy_setopt, curl_easy_getinfo,
// curl_multi_setopt): Swift cannot call C variadic functions.
#ifndef CCURLSHIM_H
#define CCURLSHIM_H
#include <curl/curl.h>

CURLcode jl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode jl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode jl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode jl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode jl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback value);
CURLcode jl_easy_setopt_closesocket_callback(CURL *handle, curl_closesocket_callback value);
CURLcode jl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode jl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode jl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLMcode jl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);
CURLMcode jl_multi_setopt_pointer(CURLM *handle, CURLMoption option, void *value);
CURLMcode jl_multi_setopt_socket_callback(CURLM *handle, curl_socket_callback value);
CURLMcode jl_multi_setopt_timer_callback(CURLM *handle, curl_multi_timer_callback value);

/* epoll for the multi_socket loop, in libcurl's terms. (struct epoll_event is packed on x86_64,
   which Swift does not import faithfully, so these take and return plain values.) */
int jl_epoll_create(void);
/* Watches `fd` as a socket callback asks: `what` is CURL_POLL_IN, _OUT, _INOUT or _REMOVE.
   `registered` says whether the caller has `fd` registered: then one epoll_ctl does, not a MOD
   that fails and an ADD. A closed fd leaves epoll by itself, so `registered` may be stale: then
   the MOD fails with ENOENT and an ADD follows (or the ADD fails with EEXIST and a MOD follows). */
int jl_epoll_watch(int epfd, int fd, int what, int registered);
/* Waits up to `timeout_ms`; fills fds[i] and flags[i] (CURL_CSELECT_IN/OUT/ERR); returns the count, or -1. */
int jl_epoll_wait(int epfd, int *fds, int *flags, int capacity, int timeout_ms);
/* A non-blocking eventfd, to wake the loop from other threads. */
int jl_eventfd(void);
void jl_eventfd_signal(int fd);
void jl_eventfd_drain(int fd);

// curl_version_info at the headers' CURLVERSION_NOW, a macro Swift cannot see.
curl_version_info_data *jl_curl_version_info(void);
#endif
