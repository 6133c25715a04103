// libcurl's public API, as one header for the CCurl module.
#include <curl/curl.h>
