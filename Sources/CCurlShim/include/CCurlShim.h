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
CURLcode jl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode jl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode jl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLMcode jl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

// curl_version_info at the headers' CURLVERSION_NOW, a macro Swift cannot see.
curl_version_info_data *jl_curl_version_info(void);
#endif
